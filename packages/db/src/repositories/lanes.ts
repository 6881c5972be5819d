import type { EntityManager } from 'typeorm';
import type { TenantTx } from '../database';
import type {
  ApplicationEntity,
  AttemptEntity,
  DeliveryEntity,
  EndpointEntity,
  MessageEntity,
} from '../entities';
import { usageShard } from './publish';

/**
 * What a lane step reads and writes: an endpoint's due deliveries, their attempts and new
 * states, in the worker's transactions. Raw SQL (the step runs once per batch per endpoint, and
 * the reads join three tables), with each row mapped to entity-typed fields in one place.
 */

/** The endpoint as a lane step needs it. */
export type LaneEndpoint = Pick<
  EndpointEntity,
  'url' | 'headers' | 'fifo' | 'rateLimitPerSecond' | 'disabledAt' | 'deletedAt'
>;

/** A delivery to attempt, with what sending it needs from its message and application. */
export type DueDelivery = Pick<
  DeliveryEntity,
  'id' | 'status' | 'attemptCount' | 'nextAttemptAt' | 'messageId' | 'applicationId'
> & {
  applicationUid: ApplicationEntity['uid'];
  /** Operational applications never emit operational events themselves (no feedback loops). */
  applicationKind: ApplicationEntity['kind'];
  eventType: MessageEntity['eventType'];
  /** The payload exactly as PostgreSQL renders it: the same bytes on every attempt. */
  body: string;
  /** traceparent of the publishing request, or null. */
  traceContext: string | null;
};

/** One attempt as recorded (the delivery and endpoint are known to the step). */
export type AttemptRecord = Pick<
  AttemptEntity,
  | 'id'
  | 'deliveryId'
  | 'messageId'
  | 'status'
  | 'trigger'
  | 'httpStatus'
  | 'errorKind'
  | 'durationMs'
  | 'responseExcerpt'
  | 'attemptedAt'
> & { requestHeaders: Record<string, string> };

/** Where an attempt left its delivery. */
export type DeliveryUpdate = Pick<
  DeliveryEntity,
  'id' | 'status' | 'attemptCount' | 'nextAttemptAt' | 'lastAttemptAt'
>;

interface DueDeliveryRow {
  id: string;
  status: DeliveryEntity['status'];
  attempt_count: number;
  next_attempt_at: Date | null;
  message_id: string;
  application_id: string;
  application_uid: string | null;
  application_kind: ApplicationEntity['kind'];
  event_type: string;
  body: string;
  trace_context: string | null;
}

function toDueDelivery(r: DueDeliveryRow): DueDelivery {
  return {
    id: r.id,
    status: r.status,
    attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    messageId: r.message_id,
    applicationId: r.application_id,
    applicationUid: r.application_uid,
    applicationKind: r.application_kind,
    eventType: r.event_type,
    body: r.body,
    traceContext: r.trace_context,
  };
}

// payload::text: the body is sent exactly as PostgreSQL renders it, the same on every attempt.
const DELIVERY_COLUMNS = `d.id, d.status, d.attempt_count, d.next_attempt_at, d.message_id, d.application_id,
       a.uid AS application_uid, a.kind AS application_kind, m.event_type, m.payload::text AS body,
       m.trace_context`;
const DELIVERY_JOINS = `FROM deliveries d
       JOIN messages m ON m.id = d.message_id
       JOIN applications a ON a.id = d.application_id`;

export class LaneRepository {
  constructor(private readonly tx: TenantTx) {}

  async endpoint(endpointId: string): Promise<LaneEndpoint | null> {
    const [row] = await this.tx.query<{
      url: string;
      headers: Record<string, string>;
      fifo: boolean;
      rate_limit_per_second: number | null;
      disabled_at: Date | null;
      deleted_at: Date | null;
    }>(
      `SELECT url, headers, fifo, rate_limit_per_second, disabled_at, deleted_at
         FROM endpoints WHERE tenant_id = $1 AND id = $2`,
      [this.tx.tenantId, endpointId],
    );
    if (!row) return null;
    return {
      url: row.url,
      headers: row.headers,
      fifo: row.fifo,
      rateLimitPerSecond: row.rate_limit_per_second,
      disabledAt: row.disabled_at,
      deletedAt: row.deleted_at,
    };
  }

  /** The named deliveries of the endpoint (manual sends), whatever their state but CANCELLED. */
  async byIds(endpointId: string, ids: string[]): Promise<DueDelivery[]> {
    if (ids.length === 0) return [];
    const rows = await this.tx.query<DueDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
        WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = ANY($3) AND d.status <> 'CANCELLED'`,
      [this.tx.tenantId, endpointId, ids],
    );
    return rows.map(toDueDelivery);
  }

  /** Strictly in message order: the oldest pending delivery, and only when it is due. */
  async fifoHead(endpointId: string): Promise<DueDelivery[]> {
    const rows = await this.tx.query<DueDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
        WHERE d.id = (SELECT id FROM deliveries
                       WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING'
                       ORDER BY message_id, id LIMIT 1)
          AND d.next_attempt_at <= now()`,
      [this.tx.tenantId, endpointId],
    );
    return rows.map(toDueDelivery);
  }

  /** Due PENDING deliveries, earliest first, leaving out `exclude`. */
  async due(
    endpointId: string,
    page: { limit: number; offset: number; exclude: string[] },
  ): Promise<DueDelivery[]> {
    const rows = await this.tx.query<DueDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
        WHERE d.id IN (SELECT id FROM deliveries
                        WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING' AND next_attempt_at <= now()
                          AND NOT (id = ANY($4))
                        ORDER BY next_attempt_at, id LIMIT $3 OFFSET $5)`,
      [this.tx.tenantId, endpointId, page.limit, page.exclude, page.offset],
    );
    return rows.map(toDueDelivery);
  }

  /** When the endpoint next has something due: its earliest PENDING delivery, or for FIFO its head. */
  async nextDue(endpointId: string, fifo: boolean): Promise<number | null> {
    const [row] = await this.tx.query<{ due: Date | null }>(
      fifo
        ? `SELECT next_attempt_at AS due FROM deliveries
            WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING' ORDER BY message_id, id LIMIT 1`
        : `SELECT min(next_attempt_at) AS due FROM deliveries
            WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING'`,
      [this.tx.tenantId, endpointId],
    );
    return row?.due ? new Date(row.due).getTime() : null;
  }

  /** Inserts the step's attempts, updates their deliveries and meters the attempts, in one go. */
  async record(
    endpointId: string,
    attempts: AttemptRecord[],
    updates: DeliveryUpdate[],
  ): Promise<void> {
    await this.tx.query(
      `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, http_status,
                             error_kind, duration_ms, response_excerpt, request_headers, attempted_at)
       SELECT a.id, $1, a.delivery_id, a.message_id, $2, a.status, a.trigger, a.http_status,
              a.error_kind, a.duration_ms, a.response_excerpt, a.request_headers, a.attempted_at
         FROM jsonb_to_recordset($3::jsonb) AS a(id text, delivery_id text, message_id text, status text,
              trigger text, http_status int, error_kind text, duration_ms int, response_excerpt text,
              request_headers jsonb, attempted_at timestamptz)`,
      [
        this.tx.tenantId,
        endpointId,
        JSON.stringify(
          attempts.map((a) => ({
            id: a.id,
            delivery_id: a.deliveryId,
            message_id: a.messageId,
            status: a.status,
            trigger: a.trigger,
            http_status: a.httpStatus,
            error_kind: a.errorKind,
            duration_ms: a.durationMs,
            response_excerpt: a.responseExcerpt,
            request_headers: a.requestHeaders,
            attempted_at: a.attemptedAt.toISOString(),
          })),
        ),
      ],
    );
    await this.tx.query(
      `UPDATE deliveries d
          SET status = u.status, attempt_count = u.attempt_count, next_attempt_at = u.next_attempt_at,
              last_attempt_at = u.last_attempt_at, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS u(id text, status text, attempt_count int,
              next_attempt_at timestamptz, last_attempt_at timestamptz)
        WHERE d.tenant_id = $1 AND d.id = u.id`,
      [
        this.tx.tenantId,
        JSON.stringify(
          updates.map((u) => ({
            id: u.id,
            status: u.status,
            attempt_count: u.attemptCount,
            next_attempt_at: u.nextAttemptAt?.toISOString() ?? null,
            last_attempt_at: u.lastAttemptAt?.toISOString() ?? null,
          })),
        ),
      ],
    );
    // Attempts are metered (shown, not billed) in the same transaction that records them.
    await this.tx.query(
      `INSERT INTO usage_counters (tenant_id, hour, shard, attempts) VALUES ($1, date_trunc('hour', now()), $2, $3)
       ON CONFLICT (tenant_id, hour, shard) DO UPDATE SET attempts = usage_counters.attempts + EXCLUDED.attempts`,
      [this.tx.tenantId, usageShard(), attempts.length],
    );
  }

  /** Gives up every PENDING delivery of the endpoint (FAILED); returns them. */
  async abandonPending(
    endpointId: string,
  ): Promise<Pick<DeliveryEntity, 'id' | 'messageId' | 'applicationId'>[]> {
    const rows = await this.tx.query<{ id: string; message_id: string; application_id: string }>(
      `UPDATE deliveries SET status = 'FAILED', next_attempt_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'PENDING'
        RETURNING id, message_id, application_id`,
      [this.tx.tenantId, endpointId],
    );
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      applicationId: r.application_id,
    }));
  }

  /** The application an endpoint belongs to, and whether it is the operational one. */
  async owner(
    endpointId: string,
  ): Promise<{ applicationId: string; kind: ApplicationEntity['kind'] } | null> {
    const [row] = await this.tx.query<{ application_id: string; kind: ApplicationEntity['kind'] }>(
      `SELECT e.application_id, a.kind FROM endpoints e JOIN applications a ON a.id = e.application_id
        WHERE e.tenant_id = $1 AND e.id = $2`,
      [this.tx.tenantId, endpointId],
    );
    return row ? { applicationId: row.application_id, kind: row.kind } : null;
  }
}

/** Lanes across tenants, for the reconciler (outside tenant scope). */
export class LaneSystemRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Endpoints with PENDING deliveries due for longer than `olderThanMs`. */
  async overdue(
    olderThanMs: number,
    limit: number,
  ): Promise<{ tenantId: string; endpointId: string }[]> {
    const rows = (await this.manager.query(
      `SELECT DISTINCT tenant_id, endpoint_id FROM deliveries
        WHERE status = 'PENDING' AND next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
        LIMIT $2`,
      [olderThanMs, limit],
    )) as { tenant_id: string; endpoint_id: string }[];
    return rows.map((r) => ({ tenantId: r.tenant_id, endpointId: r.endpoint_id }));
  }

  /**
   * Queue lag from the partial index on PENDING deliveries: how long the oldest due delivery has
   * waited, and how many are due (counting at most `cap`, so the read stays cheap).
   */
  async queueLag(cap: number): Promise<{ lagSeconds: number; due: number }> {
    const [row] = (await this.manager.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - (
                SELECT min(next_attempt_at) FROM deliveries
                 WHERE status = 'PENDING' AND next_attempt_at <= now())), 0)::float8 AS lag,
              (SELECT count(*) FROM (SELECT 1 FROM deliveries
                 WHERE status = 'PENDING' AND next_attempt_at <= now() LIMIT $1) due)::int AS due`,
      [cap],
    )) as { lag: number; due: number }[];
    return { lagSeconds: Number(row?.lag ?? 0), due: Number(row?.due ?? 0) };
  }
}
