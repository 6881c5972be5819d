import type { TenantTx } from '../database';
import { DeliveryEntity, MessageEntity, type DeliveryStatus } from '../entities';
import { paginate, type Page, type PageArgs } from './pagination';

export interface NewMessageRow {
  id: string;
  applicationId: string;
  eventType: string;
  eventId: string | null;
  /** Already-serialised JSON, so the payload is parsed once, by PostgreSQL. */
  payloadJson: string;
  channels: string[] | null;
}

export interface NewDeliveryRow {
  id: string;
  applicationId: string;
  messageId: string;
  endpointId: string;
}

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

  /**
   * Claims idempotency keys for this batch. Returns, for each key already used within the
   * window, the id of the message that used it; claimed keys are absent from the map. A key
   * older than the window is taken over by the new message.
   */
  async claimIdempotencyKeys(
    claims: { applicationId: string; key: string; messageId: string }[],
    windowMs: number,
  ): Promise<Map<string, string>> {
    if (claims.length === 0) return new Map();
    const claimed = await this.tx.query<{ application_id: string; key: string }>(
      `INSERT INTO idempotency_keys (tenant_id, application_id, key, message_id)
       SELECT $1, c.application_id, c.key, c.message_id
         FROM jsonb_to_recordset($2::jsonb) AS c(application_id text, key text, message_id text)
       ON CONFLICT (tenant_id, application_id, key) DO UPDATE
         SET message_id = EXCLUDED.message_id, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(secs => $3::double precision / 1000)
       RETURNING application_id, key`,
      [
        this.tx.tenantId,
        JSON.stringify(
          claims.map((c) => ({ application_id: c.applicationId, key: c.key, message_id: c.messageId })),
        ),
        windowMs,
      ],
    );
    const claimedSet = new Set(claimed.map((r) => idempotencySlot(r.application_id, r.key)));
    const lost = claims.filter((c) => !claimedSet.has(idempotencySlot(c.applicationId, c.key)));
    if (lost.length === 0) return new Map();
    const existing = await this.tx.query<{ application_id: string; key: string; message_id: string }>(
      `SELECT k.application_id, k.key, k.message_id
         FROM idempotency_keys k
         JOIN jsonb_to_recordset($2::jsonb) AS c(application_id text, key text)
           ON c.application_id = k.application_id AND c.key = k.key
        WHERE k.tenant_id = $1`,
      [
        this.tx.tenantId,
        JSON.stringify(lost.map((c) => ({ application_id: c.applicationId, key: c.key }))),
      ],
    );
    return new Map(existing.map((r) => [idempotencySlot(r.application_id, r.key), r.message_id]));
  }

  async insertMany(rows: NewMessageRow[], createdAt: Date): Promise<void> {
    if (rows.length === 0) return;
    // One statement for the whole batch; the payload travels as JSON text inside the JSON.
    await this.tx.query(
      `INSERT INTO messages (id, tenant_id, application_id, event_type, event_id, payload, channels, created_at)
       SELECT m.id, $1, m.application_id, m.event_type, m.event_id, m.payload::jsonb, m.channels, $3
         FROM jsonb_to_recordset($2::jsonb)
           AS m(id text, application_id text, event_type text, event_id text, payload text, channels text[])`,
      [
        this.tx.tenantId,
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            application_id: r.applicationId,
            event_type: r.eventType,
            event_id: r.eventId,
            payload: r.payloadJson,
            channels: r.channels,
          })),
        ),
        createdAt,
      ],
    );
  }

  async insertDeliveries(rows: NewDeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.query(
      `INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status, next_attempt_at)
       SELECT d.id, $1, d.application_id, d.message_id, d.endpoint_id, 'PENDING', now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
           AS d(id, application_id, message_id, endpoint_id)`,
      [
        this.tx.tenantId,
        rows.map((r) => r.id),
        rows.map((r) => r.applicationId),
        rows.map((r) => r.messageId),
        rows.map((r) => r.endpointId),
      ],
    );
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
    if (filter.eventTypes?.length) {
      qb.andWhere('m.event_type = ANY(:eventTypes)', { eventTypes: filter.eventTypes });
    }
    if (filter.channel) qb.andWhere(':channel = ANY(m.channels)', { channel: filter.channel });
    if (filter.since) qb.andWhere('m.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('m.created_at < :until', { until: filter.until });
    return paginate(qb, page);
  }

  deliveriesOf(messageId: string): Promise<DeliveryEntity[]> {
    return this.tx.manager.getRepository(DeliveryEntity).find({
      where: { messageId, tenantId: this.tx.tenantId },
      order: { id: 'ASC' },
    });
  }

  listDeliveries(
    filter: { endpointId?: string | null; messageId?: string | null; status?: DeliveryStatus | null },
    page: PageArgs,
  ): Promise<Page<DeliveryEntity>> {
    const qb = this.tx.manager
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
    if (filter.endpointId) qb.andWhere('d.endpoint_id = :endpointId', { endpointId: filter.endpointId });
    if (filter.messageId) qb.andWhere('d.message_id = :messageId', { messageId: filter.messageId });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    return paginate(qb, page);
  }
}

function idempotencySlot(applicationId: string, key: string): string {
  return `${applicationId}\u0000${key}`;
}

export { idempotencySlot };
