import {
  ArchiveEventTypeDocument,
  CreateEventTypeDocument,
  GetEventTypeDocument,
  ListEventTypesDocument,
  UpdateEventTypeDocument,
} from '../generated/operations.generated.js';
import type { CreateEventTypeInput, EventType, UpdateEventTypeInput } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListEventTypesParams extends PageParams {
  includeArchived?: boolean;
  namePrefix?: string;
}

/** The catalogue of events you send, e.g. `invoice.paid`, optionally with a JSON Schema. */
export class EventTypes extends Resource {
  async list(params: ListEventTypesParams = {}): Promise<Page<EventType>> {
    const data = await this.execute({
      document: ListEventTypesDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.eventTypes);
  }

  listAll(params: ListEventTypesParams = {}): AsyncGenerator<EventType, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  async get(name: string): Promise<EventType> {
    const data = await this.execute({
      document: GetEventTypeDocument,
      variables: { name },
      safety: 'safe',
    });
    return data.eventType;
  }

  async create(input: CreateEventTypeInput): Promise<EventType> {
    const data = await this.execute({
      document: CreateEventTypeDocument,
      variables: { input },
      safety: 'unsafe',
    });
    return data.createEventType;
  }

  /** By name or `et_` id. */
  async update(name: string, input: UpdateEventTypeInput): Promise<EventType> {
    const data = await this.execute({
      document: UpdateEventTypeDocument,
      variables: { name, input },
      safety: 'safe',
    });
    return data.updateEventType;
  }

  /** Hides it from catalogues; messages of it are still accepted. `archived: false` restores. */
  async archive(name: string, archived = true): Promise<EventType> {
    const data = await this.execute({
      document: ArchiveEventTypeDocument,
      variables: { name, archived },
      safety: 'safe',
    });
    return data.archiveEventType;
  }
}
