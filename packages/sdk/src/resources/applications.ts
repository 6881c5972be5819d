import {
  CreateApplicationDocument,
  DeleteApplicationDocument,
  GetApplicationDocument,
  ListApplicationsDocument,
  UpdateApplicationDocument,
} from '../generated/operations.generated.js';
import type { Application, CreateApplicationInput, UpdateApplicationInput } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListApplicationsParams extends PageParams {
  uid?: string;
  /** Case-insensitive substring of the name. */
  name?: string;
}

/** One application per customer of yours; it owns their endpoints and messages. */
export class Applications extends Resource {
  async list(params: ListApplicationsParams = {}): Promise<Page<Application>> {
    const data = await this.execute({
      document: ListApplicationsDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.applications);
  }

  listAll(params: ListApplicationsParams = {}): AsyncGenerator<Application, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  /** By `app_` id or by your own uid (the API tells them apart by the prefix, as here). */
  async get(idOrUid: string): Promise<Application> {
    const variables = idOrUid.startsWith('app_') ? { id: idOrUid } : { uid: idOrUid };
    const data = await this.execute({
      document: GetApplicationDocument,
      variables,
      safety: 'safe',
    });
    return data.application;
  }

  async create(input: CreateApplicationInput): Promise<Application> {
    const data = await this.execute({
      document: CreateApplicationDocument,
      variables: { input },
      safety: 'unsafe',
    });
    return data.createApplication;
  }

  async update(idOrUid: string, input: UpdateApplicationInput): Promise<Application> {
    const data = await this.execute({
      document: UpdateApplicationDocument,
      variables: { id: idOrUid, input },
      safety: 'safe',
    });
    return data.updateApplication;
  }

  /** Deletes the application with its endpoints and messages; returns its id. */
  async delete(idOrUid: string): Promise<string> {
    const data = await this.execute({
      document: DeleteApplicationDocument,
      variables: { id: idOrUid },
      safety: 'unsafe',
    });
    return data.deleteApplication;
  }
}
