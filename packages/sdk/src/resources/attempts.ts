import { ListAttemptsDocument } from '../generated/operations.generated.js';
import type { Attempt, AttemptStatus } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListAttemptsParams extends PageParams {
  messageId?: string;
  endpointId?: string;
  status?: AttemptStatus;
}

/** The HTTP requests Herald made, newest first: status, timing and a response excerpt. */
export class Attempts extends Resource {
  async list(params: ListAttemptsParams): Promise<Page<Attempt>> {
    const data = await this.execute({
      document: ListAttemptsDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.attempts);
  }

  listAll(params: ListAttemptsParams): AsyncGenerator<Attempt, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }
}
