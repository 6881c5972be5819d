import {
  ListDeliveriesDocument,
  RetryDeliveryDocument,
} from '../generated/operations.generated.js';
import type { Delivery, DeliveryStatus } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListDeliveriesParams extends PageParams {
  messageId?: string;
  endpointId?: string;
  status?: DeliveryStatus;
}

/** A message on its way to one endpoint: its status and attempt count. */
export class Deliveries extends Resource {
  async list(params: ListDeliveriesParams): Promise<Page<Delivery>> {
    const data = await this.execute({
      document: ListDeliveriesDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.deliveries);
  }

  listAll(params: ListDeliveriesParams): AsyncGenerator<Delivery, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  /** One more attempt of this delivery, now. Never reschedules. */
  async retry(id: string): Promise<Delivery> {
    const data = await this.execute({
      document: RetryDeliveryDocument,
      variables: { id },
      safety: 'unsafe',
    });
    return data.retryDelivery;
  }
}
