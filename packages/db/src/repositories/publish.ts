import type { SqlTx } from '../database';

export interface NewMessageRow {
  id: string;
  applicationId: string;
  eventType: string;
  eventId: string | null;
  /** Already-serialised JSON, so the payload is parsed once, by PostgreSQL. */
  payloadJson: string;
  channels: string[] | null;
  /** W3C traceparent of the publishing request; null when tracing is off. */
  traceContext?: string | null;
}

export interface NewDeliveryRow {
  id: string;
  applicationId: string;
  messageId: string;
  endpointId: string;
}

export interface PublishTargets {
  plan: 'free' | 'pro' | 'enterprise';
  applications: { id: string; uid: string | null }[];
  schemas: { id: string; name: string; updated_at: string; schema: object }[];
  endpoints: {
    id: string;
    application_id: string;
    event_types: string[] | null;
    channels: string[] | null;
    payload_filter: Record<string, unknown> | null;
  }[];
}

export interface StoredMessageRow {
  id: string;
  application_id: string;
  event_type: string;
  event_id: string | null;
  payload: unknown;
  channels: string[] | null;
  created_at: Date;
  payload_expunged_at: Date | null;
}

/**
 * The plan whose limits apply to a `tenants` row: a Stripe-managed plan whose grace period after a
 * failed payment has run out gets Free limits until a payment succeeds.
 */
export const EFFECTIVE_PLAN_SQL = `CASE WHEN plan_source = 'stripe' AND grace_until < now() THEN 'free' ELSE plan END`;

export const USAGE_SHARDS = 16;

export function usageShard(): number {
  return Math.floor(Math.random() * USAGE_SHARDS);
}

export function idempotencySlot(applicationId: string, key: string): string {
  return `${applicationId}\u0000${key}`;
}

/**
 * The publish hot path in as few round trips as possible: one query finds the applications,
 * the JSON Schemas and the enabled endpoints involved, an optional one claims idempotency keys,
 * and one statement stores all messages with all their deliveries. Works on any tenant-scoped
 * transaction (`withTenantSql` or `withTenant`).
 */
export class PublishRepository {
  constructor(private readonly tx: SqlTx) {}

  async targets(applicationRefs: string[], eventTypes: string[]): Promise<PublishTargets> {
    const [row] = await this.tx.query<PublishTargets>(
      `WITH apps AS (
         SELECT id, uid FROM applications WHERE tenant_id = $1 AND (id = ANY($2) OR uid = ANY($2))
       )
       SELECT
         (SELECT ${EFFECTIVE_PLAN_SQL} FROM tenants WHERE id = $1) AS plan,
         (SELECT coalesce(json_agg(json_build_object('id', id, 'uid', uid)), '[]') FROM apps) AS applications,
         (SELECT coalesce(json_agg(json_build_object('id', e.id, 'name', e.name, 'updated_at', e.updated_at, 'schema', e.schema)), '[]')
            FROM event_types e WHERE e.tenant_id = $1 AND e.name = ANY($3) AND e.schema IS NOT NULL) AS schemas,
         (SELECT coalesce(json_agg(json_build_object('id', p.id, 'application_id', p.application_id, 'event_types', p.event_types,
                                                     'channels', p.channels, 'payload_filter', p.payload_filter)), '[]')
            FROM endpoints p WHERE p.tenant_id = $1 AND p.application_id IN (SELECT id FROM apps)
             AND p.deleted_at IS NULL AND p.disabled_at IS NULL) AS endpoints`,
      [this.tx.tenantId, applicationRefs, eventTypes],
      'herald_publish_targets',
    );
    return row;
  }

  /**
   * Claims idempotency keys. Returns, for each key already used within the window, the id of
   * the message that used it; claimed keys are absent from the map. A key older than the window
   * is taken over. Concurrent claims of one key serialise on its primary key.
   */
  async claimIdempotencyKeys(
    claims: { applicationId: string; key: string; messageId: string }[],
    windowMs: number,
  ): Promise<Map<string, string>> {
    if (claims.length === 0) return new Map();
    const rows = await this.tx.query<{
      application_id: string;
      key: string;
      message_id: string;
      claimed: boolean;
    }>(
      `WITH wanted AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS c(application_id text, key text, message_id text)
       ), claimed AS (
         INSERT INTO idempotency_keys (tenant_id, application_id, key, message_id)
         SELECT $1, application_id, key, message_id FROM wanted
         ON CONFLICT (tenant_id, application_id, key) DO UPDATE
           SET message_id = EXCLUDED.message_id, created_at = now()
           WHERE idempotency_keys.created_at < now() - make_interval(secs => $3::double precision / 1000)
         RETURNING application_id, key
       )
       SELECT w.application_id, w.key, w.message_id, (c.key IS NOT NULL) AS claimed
         FROM wanted w LEFT JOIN claimed c ON c.application_id = w.application_id AND c.key = w.key`,
      [
        this.tx.tenantId,
        JSON.stringify(
          claims.map((c) => ({
            application_id: c.applicationId,
            key: c.key,
            message_id: c.messageId,
          })),
        ),
        windowMs,
      ],
      'herald_publish_claim',
    );
    const lost = rows.filter((r) => !r.claimed);
    if (lost.length === 0) return new Map();
    // Keys held by earlier messages: a fresh statement sees rows that committed meanwhile.
    const existing = await this.tx.query<{
      application_id: string;
      key: string;
      message_id: string;
    }>(
      `SELECT k.application_id, k.key, k.message_id
         FROM idempotency_keys k
         JOIN jsonb_to_recordset($2::jsonb) AS c(application_id text, key text)
           ON c.application_id = k.application_id AND c.key = k.key
        WHERE k.tenant_id = $1`,
      [
        this.tx.tenantId,
        JSON.stringify(lost.map((c) => ({ application_id: c.application_id, key: c.key }))),
      ],
    );
    return new Map(existing.map((r) => [idempotencySlot(r.application_id, r.key), r.message_id]));
  }

  /**
   * Messages counted this calendar month (UTC). Taken under a per-tenant transaction lock, so
   * capped tenants publish one at a time and can never pass their quota between the check and
   * the insert; uncapped tenants never call this.
   */
  async lockAndCountMonthlyMessages(): Promise<number> {
    // Two statements on purpose: a statement's snapshot is taken when it starts, so a count in
    // the same statement as the lock would not see what the previous holder committed.
    await this.tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('herald-quota:' || $1, 0))`,
      [this.tx.tenantId],
    );
    const [row] = await this.tx.query<{ used: string }>(
      `SELECT coalesce(sum(messages), 0) AS used FROM usage_counters
        WHERE tenant_id = $1 AND hour >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [this.tx.tenantId],
      'herald_quota_usage',
    );
    return Number(row.used);
  }

  /**
   * Messages and their deliveries in one statement; the payload travels as JSON text. The
   * tenant's usage counter moves in the same statement, so metering is exact and costs no
   * round trip; so does the channel index (message_channels) of messages that have channels.
   */
  async insert(
    messages: NewMessageRow[],
    deliveries: NewDeliveryRow[],
    createdAt: Date,
    { metered = true }: { metered?: boolean } = {},
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.tx.query(
      `WITH m AS (
         INSERT INTO messages (id, tenant_id, application_id, event_type, event_id, payload, channels, created_at, trace_context)
         SELECT m.id, $1, m.application_id, m.event_type, m.event_id, m.payload::jsonb, m.channels, $3, m.trace_context
           FROM jsonb_to_recordset($2::jsonb)
             AS m(id text, application_id text, event_type text, event_id text, payload text, channels text[], trace_context text)
         RETURNING id, application_id, channels
       )
       , ch AS (
         INSERT INTO message_channels (tenant_id, application_id, channel, message_id)
         SELECT DISTINCT $1, m.application_id, c.channel, m.id FROM m, unnest(m.channels) AS c(channel)
       )
       , usage AS (
         INSERT INTO usage_counters (tenant_id, hour, shard, messages)
         VALUES ($1, date_trunc('hour', $3::timestamptz), $8, $9)
         ON CONFLICT (tenant_id, hour, shard) DO UPDATE SET messages = usage_counters.messages + EXCLUDED.messages
       )
       INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status, next_attempt_at, created_at)
       SELECT d.id, $1, d.application_id, d.message_id, d.endpoint_id, 'PENDING', $3, $3
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS d(id, application_id, message_id, endpoint_id)`,
      [
        this.tx.tenantId,
        JSON.stringify(
          messages.map((r) => ({
            id: r.id,
            application_id: r.applicationId,
            event_type: r.eventType,
            event_id: r.eventId,
            payload: r.payloadJson,
            channels: r.channels,
            trace_context: r.traceContext ?? null,
          })),
        ),
        createdAt,
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.applicationId),
        deliveries.map((d) => d.messageId),
        deliveries.map((d) => d.endpointId),
        usageShard(),
        metered ? messages.length : 0,
      ],
      'herald_publish_insert',
    );
  }

  async messagesByIds(ids: string[]): Promise<StoredMessageRow[]> {
    if (ids.length === 0) return [];
    return this.tx.query<StoredMessageRow>(
      `SELECT id, application_id, event_type, event_id, payload, channels, created_at, payload_expunged_at
         FROM messages WHERE tenant_id = $1 AND id = ANY($2)`,
      [this.tx.tenantId, ids],
    );
  }
}
