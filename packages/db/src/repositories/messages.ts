import { In } from 'typeorm';
import type { TenantTx } from '../database';
import { DeliveryEntity, MessageEntity, type DeliveryStatus } from '../entities';
import {
  ID_CLOCK_MARGIN_MS,
  idBoundForTime,
  paginate,
  type Page,
  type PageArgs,
} from './pagination';

export interface MessageFilter {
  applicationId: string;
  eventTypes?: string[] | null;
  channel?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export class MessageRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(MessageEntity);
  }

  findById(id: string): Promise<MessageEntity | null> {
    return this.repo.findOneBy({ id, tenantId: this.tx.tenantId });
  }

  async findByIds(ids: string[]): Promise<MessageEntity[]> {
    if (ids.length === 0) return [];
    return this.repo
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.id = ANY(:ids)', { tenantId: this.tx.tenantId, ids })
      .getMany();
  }

  list(filter: MessageFilter, page: PageArgs): Promise<Page<MessageEntity>> {
    const qb = this.repo
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.application_id = :applicationId', {
        tenantId: this.tx.tenantId,
        applicationId: filter.applicationId,
      });
    // One type as an equality: messages_app_event_type_idx then yields rows in id order, which
    // PostgreSQL 15 does not do for = ANY() on a non-leading index column.
    if (filter.eventTypes?.length === 1) {
      qb.andWhere('m.event_type = :eventType', { eventType: filter.eventTypes[0] });
    } else if (filter.eventTypes?.length) {
      qb.andWhere('m.event_type = ANY(:eventTypes)', { eventTypes: filter.eventTypes });
    }
    // Through the channel index table: under row-level security PostgreSQL cannot use a GIN index
    // on messages.channels (array operators are not leakproof), so a rare channel was a scan.
    if (filter.channel)
      qb.andWhere(
        `m.id IN (SELECT c.message_id FROM message_channels c
                   WHERE c.tenant_id = :tenantId AND c.application_id = :applicationId
                     AND c.channel = :channel)`,
        { channel: filter.channel },
      );
    // A time window is also an id range (ids lead with their creation time): the id bounds let
    // messages_app_idx seek to the window instead of walking back from the newest message; the
    // created_at conditions keep the answer exact.
    if (filter.since)
      qb.andWhere('m.created_at >= :since AND m.id >= :sinceId', {
        since: filter.since,
        sinceId: idBoundForTime('msg', filter.since.getTime() - ID_CLOCK_MARGIN_MS),
      });
    if (filter.until)
      qb.andWhere('m.created_at < :until AND m.id < :untilId', {
        until: filter.until,
        untilId: idBoundForTime('msg', filter.until.getTime() + ID_CLOCK_MARGIN_MS),
      });
    return paginate(qb, page);
  }

  /** Deliveries of many messages in one query (a page of messages with their deliveries). */
  deliveriesOfMany(messageIds: string[]): Promise<DeliveryEntity[]> {
    return this.tx.manager.getRepository(DeliveryEntity).find({
      where: { messageId: In(messageIds), tenantId: this.tx.tenantId },
      order: { id: 'ASC' },
    });
  }

  deliveriesOf(messageId: string): Promise<DeliveryEntity[]> {
    return this.tx.manager.getRepository(DeliveryEntity).find({
      where: { messageId, tenantId: this.tx.tenantId },
      order: { id: 'ASC' },
    });
  }

  listDeliveries(
    filter: {
      endpointId?: string | null;
      messageId?: string | null;
      status?: DeliveryStatus | null;
    },
    page: PageArgs,
  ): Promise<Page<DeliveryEntity>> {
    const qb = this.tx.manager
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
    if (filter.endpointId)
      qb.andWhere('d.endpoint_id = :endpointId', { endpointId: filter.endpointId });
    if (filter.messageId) qb.andWhere('d.message_id = :messageId', { messageId: filter.messageId });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    return paginate(qb, page);
  }
}
