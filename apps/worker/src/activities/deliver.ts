import { Context } from '@temporalio/activity';
import type { DeliveryConfig } from '@herald/config';
import {
  notifyDeliveryEvents,
  usageShard,
  type Database,
  type DeliveryEvent,
  type SecretCipher,
  type TenantTx,
} from '@herald/db';
import {
  classifyOutcome,
  createIdFactory,
  nextDelay,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryPolicy,
} from '@herald/domain';
import {
  contextFromTraceparent,
  deliveryMetrics,
  SpanKind,
  SpanStatusCode,
  trace,
  withSpan,
  type DeliveryMetrics,
  type DeliveryOutcome,
} from '@herald/observability';
import { buildHeaders } from '@herald/signing';
import type {
  DeliverDueInput,
  DeliverDueResult,
  DeliveryRef,
  EndpointSnapshot,
} from '@herald/temporal';
import type { SendResult, WebhookSender } from '../http/sender';
import { publishOperationalEvents, type OperationalEvent } from './operational';
import type { Dispatch } from './reconcile';

export interface DeliverDeps {
  db: Database;
  /** Hands operational-webhook deliveries to their lanes after commit. */
  dispatcher: Dispatch;
  cipher: SecretCipher;
  sender: WebhookSender;
  delivery: DeliveryConfig;
  random?: () => number;
  now?: () => number;
  /** Defaults to this process's registry (served on the worker's /metrics). */
  metrics?: DeliveryMetrics;
}

interface EndpointRow {
  url: string;
  headers: Record<string, string>;
  fifo: boolean;
  rate_limit_per_second: number | null;
  disabled_at: Date | null;
  deleted_at: Date | null;
}

interface DeliveryRow {
  id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: Date | null;
  message_id: string;
  application_id: string;
  application_uid: string | null;
  /** Operational applications never emit operational events themselves (no feedback loops). */
  application_kind: 'customer' | 'operational';
  event_type: string;
  body: string;
  /** traceparent of the publishing request, or null. */
  trace_context: string | null;
}

const nextId = createIdFactory();
/**
 * Headers whose values attempts record. Every other value — the signature and all of the
 * endpoint's custom headers, which often carry credentials — is stored as `[redacted]`: attempts
 * are readable by viewers and read-only portal sessions, which must not learn them.
 */
const RECORDED_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'content-type', 'user-agent']);

/**
 * One lane step: pick what is due for the endpoint (plus any manual sends) in one read
 * transaction, POST it concurrently with no transaction open, then record every attempt and
 * delivery update in one write transaction. Whether each delivery succeeded, retries (and
 * when) or is final is decided here, where the response is seen; the lane only paces itself
 * by the counts and the next due time this returns.
 */
export async function deliverDue(
  deps: DeliverDeps,
  input: DeliverDueInput,
): Promise<DeliverDueResult> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const metrics = deps.metrics ?? deliveryMetrics();
  const loaded = await deps.db.withTenant(input.tenantId, (tx) => load(tx, input));
  const endpoint = snapshot(loaded.endpoint);
  if (!loaded.endpoint || endpoint.disabled) {
    return { endpoint, attempted: 0, succeeded: 0, failed: 0, nextDueAtMs: null };
  }

  const secrets = loaded.secrets.map((s) => deps.cipher.decrypt(s.ciphertext, s.id));
  const work: { ref: DeliveryRef; row: DeliveryRow }[] = loaded.deliveries.map((row) => ({
    ref: { deliveryId: row.id, messageId: row.message_id, manual: loaded.manualIds.has(row.id) },
    row,
  }));

  // Heartbeat on a clock, not per response: a batch of slow receivers must not look like a dead
  // worker, and a dead worker must be noticed within the lane's short heartbeat timeout.
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), 2_000);
  const activitySpan = trace.getActiveSpan()?.spanContext();
  const results = await mapConcurrent(
    work,
    deps.delivery.concurrencyPerEndpoint,
    async ({ ref, row }) => {
      const timestampSec = Math.floor(now() / 1000);
      const headers: Record<string, string> = {
        ...loaded.endpoint!.headers,
        ...buildHeaders({ msgId: row.message_id, timestampSec, body: row.body, secrets }),
        'content-type': 'application/json',
        'user-agent': deps.delivery.userAgent,
      };
      // A child of the publishing request's span, linked to this activity's span: one trace
      // runs from the API call to each HTTP attempt.
      const sent = await withSpan(
        'webhook.deliver',
        {
          kind: SpanKind.CLIENT,
          parent: contextFromTraceparent(row.trace_context),
          links: activitySpan ? [{ context: activitySpan }] : [],
          attributes: {
            'herald.tenant_id': input.tenantId,
            'herald.endpoint_id': input.endpointId,
            'herald.message_id': row.message_id,
            'herald.delivery_id': row.id,
            'herald.attempt': row.attempt_count + 1,
            'herald.manual': ref.manual === true,
          },
        },
        async (span) => {
          const result = await deps.sender.post(loaded.endpoint!.url, headers, row.body);
          if (result.status !== null) span.setAttribute('http.response.status_code', result.status);
          if (result.errorKind) span.setAttribute('error.type', result.errorKind);
          if (result.errorKind || (result.status !== null && result.status >= 400)) {
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          return result;
        },
      );
      return { ref, row, headers, sent, attemptedAt: new Date(now() - sent.durationMs) };
    },
  ).finally(() => clearInterval(beat));

  const policy: RetryPolicy = {
    schedule: deps.delivery.retryScheduleMs,
    jitter: deps.delivery.jitter,
    minDelayAfterThrottleMs: deps.delivery.minDelayAfterThrottleMs,
    maxRetryAfterMs: deps.delivery.maxRetryAfterMs,
  };
  let gone = false;
  let succeeded = 0;
  let failed = 0;
  const attempts: Record<string, unknown>[] = [];
  const updates: {
    id: string;
    status: string;
    attempt_count: number;
    next_attempt_at: string | null;
    last_attempt_at: string;
  }[] = [];
  const events: DeliveryEvent[] = [];
  const operational: OperationalEvent[] = [];
  for (const { ref, row, headers, sent, attemptedAt } of results) {
    const outcome = toOutcome(sent, now());
    const verdict = classifyOutcome(outcome);
    const attemptId = nextId('atm');
    const attemptsMade = row.attempt_count + 1;
    attempts.push({
      id: attemptId,
      delivery_id: row.id,
      message_id: row.message_id,
      status: verdict === 'success' ? 'SUCCEEDED' : 'FAILED',
      trigger: ref.manual ? 'MANUAL' : 'SCHEDULED',
      http_status: sent.status,
      error_kind: sent.errorKind,
      duration_ms: sent.durationMs,
      response_excerpt: sent.excerpt?.replace(/\u0000/g, '\uFFFD') ?? null,
      request_headers: redact(headers),
      attempted_at: attemptedAt.toISOString(),
    });
    let status: string;
    let next: number | null = null;
    if (verdict === 'success') {
      succeeded++;
      status = 'SUCCEEDED';
    } else if (verdict === 'gone') {
      failed++;
      gone = true;
      status = ref.manual && row.status !== 'PENDING' ? row.status : 'FAILED';
    } else if (ref.manual) {
      failed++;
      // A manual attempt never reschedules; the delivery keeps whatever state it had (a PENDING
      // one keeps its scheduled retry).
      status = row.status;
      next =
        row.status === 'PENDING' && row.next_attempt_at
          ? row.next_attempt_at.getTime() - now()
          : null;
    } else {
      failed++;
      next = nextDelay(attemptsMade, outcome, policy, random);
      status = next === null ? 'EXHAUSTED' : 'PENDING';
    }
    metrics.attempt({
      status: sent.status,
      errorKind: sent.errorKind,
      durationMs: sent.durationMs,
      outcome: deliveryOutcome(verdict, status),
    });
    updates.push({
      id: row.id,
      status,
      attempt_count: ref.manual ? row.attempt_count : attemptsMade,
      next_attempt_at: next === null ? null : new Date(now() + next).toISOString(),
      last_attempt_at: attemptedAt.toISOString(),
    });
    if (row.application_kind === 'customer') {
      const type = operationalEventFor(
        verdict,
        status,
        row.attempt_count,
        attemptsMade,
        ref.manual === true,
        deps.delivery.failingEventAfterAttempts,
      );
      if (type) {
        operational.push({
          type,
          data: {
            applicationId: row.application_id,
            applicationUid: row.application_uid,
            messageId: row.message_id,
            eventType: row.event_type,
            endpointId: input.endpointId,
            deliveryId: row.id,
            lastAttempt: {
              id: attemptId,
              timestamp: attemptedAt.toISOString(),
              responseStatusCode: sent.status,
              errorKind: sent.errorKind,
            },
          },
        });
      }
    }
    events.push({
      deliveryId: row.id,
      messageId: row.message_id,
      applicationId: row.application_id,
      endpointId: input.endpointId,
      status,
      attemptId,
      httpStatus: sent.status,
    });
  }

  metrics.laneStep(input.endpointId, succeeded, failed, deps.delivery.circuitFailureThreshold);

  let nextDueAtMs: number | null;
  if (attempts.length > 0) {
    const applicationId = results[0].row.application_id;
    const isOperational = results[0].row.application_kind === 'operational';
    const handOff = await deps.db.withTenant(input.tenantId, async (tx) => {
      await record(tx, input.endpointId, attempts, updates);
      if (
        gone &&
        (await disableEndpoint(tx, input.endpointId, 'The receiver answered 410 Gone')) &&
        !isOperational
      ) {
        operational.push({
          type: 'endpoint.disabled',
          data: {
            applicationId,
            endpointId: input.endpointId,
            reason: 'The receiver answered 410 Gone',
            failingSince: null,
          },
        });
      }
      await notifyDeliveryEvents(tx, events);
      const handOff = await publishOperationalEvents(tx, operational);
      nextDueAtMs = await nextDue(tx, input.endpointId, endpoint.fifo);
      return handOff;
    });
    if (handOff.length > 0) deps.dispatcher.dispatch(input.tenantId, handOff);
  } else {
    nextDueAtMs = loaded.nextDueAtMs;
  }
  return {
    endpoint: gone ? { ...endpoint, disabled: true } : endpoint,
    attempted: attempts.length,
    succeeded,
    failed,
    nextDueAtMs: nextDueAtMs!,
  };
}

const DELIVERY_COLUMNS = `d.id, d.status, d.attempt_count, d.next_attempt_at, d.message_id, d.application_id,
       a.uid AS application_uid, a.kind AS application_kind, m.event_type, m.payload::text AS body,
       m.trace_context`;
const DELIVERY_JOINS = `FROM deliveries d
       JOIN messages m ON m.id = d.message_id
       JOIN applications a ON a.id = d.application_id`;

async function load(tx: TenantTx, input: DeliverDueInput) {
  const [endpoint] = await tx.query<EndpointRow>(
    `SELECT url, headers, fifo, rate_limit_per_second, disabled_at, deleted_at
       FROM endpoints WHERE tenant_id = $1 AND id = $2`,
    [tx.tenantId, input.endpointId],
  );
  const manualIds = new Set(input.manual.map((m) => m.deliveryId));
  if (!endpoint || endpoint.deleted_at || endpoint.disabled_at) {
    return { endpoint, secrets: [], deliveries: [] as DeliveryRow[], manualIds, nextDueAtMs: null };
  }
  const secrets = await tx.query<{ id: string; ciphertext: Buffer }>(
    `SELECT id, ciphertext FROM endpoint_secrets
      WHERE tenant_id = $1 AND endpoint_id = $2 AND (expires_at IS NULL OR expires_at > now())
      ORDER BY created_at DESC, id DESC`,
    [tx.tenantId, input.endpointId],
  );
  // payload::text: the body is sent exactly as PostgreSQL renders it, the same on every attempt.
  const manual = manualIds.size
    ? await tx.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
          WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = ANY($3) AND d.status <> 'CANCELLED'`,
        [tx.tenantId, input.endpointId, [...manualIds]],
      )
    : [];
  let due: DeliveryRow[] = [];
  if (!input.onlyManual && input.limit > 0) {
    due = endpoint.fifo
      ? // Strictly in message order: the oldest pending message goes first, and only when due.
        (
          await tx.query<DeliveryRow>(
            `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
              WHERE d.id = (SELECT id FROM deliveries
                             WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING'
                             ORDER BY message_id, id LIMIT 1)
                AND d.next_attempt_at <= now()`,
            [tx.tenantId, input.endpointId],
          )
        ).filter((r) => !manualIds.has(r.id))
      : await tx.query<DeliveryRow>(
          `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
            WHERE d.id IN (SELECT id FROM deliveries
                            WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING' AND next_attempt_at <= now()
                              AND NOT (id = ANY($4))
                            ORDER BY next_attempt_at, id LIMIT $3 OFFSET $5)`,
          [tx.tenantId, input.endpointId, input.limit, [...manualIds], input.offset ?? 0],
        );
  }
  const deliveries = [...manual, ...due];
  const nextDueAtMs =
    deliveries.length === 0 ? await nextDue(tx, input.endpointId, endpoint.fifo) : null;
  return { endpoint, secrets, deliveries, manualIds, nextDueAtMs };
}

/** When the endpoint next has something due: its earliest PENDING delivery, or for FIFO its head. */
async function nextDue(tx: TenantTx, endpointId: string, fifo: boolean): Promise<number | null> {
  const [row] = await tx.query<{ due: Date | null }>(
    fifo
      ? `SELECT next_attempt_at AS due FROM deliveries
          WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING' ORDER BY message_id, id LIMIT 1`
      : `SELECT min(next_attempt_at) AS due FROM deliveries
          WHERE endpoint_id = $2 AND tenant_id = $1 AND status = 'PENDING'`,
    [tx.tenantId, endpointId],
  );
  return row?.due ? new Date(row.due).getTime() : null;
}

async function record(
  tx: TenantTx,
  endpointId: string,
  attempts: Record<string, unknown>[],
  updates: Record<string, unknown>[],
): Promise<void> {
  await tx.query(
    `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, http_status,
                           error_kind, duration_ms, response_excerpt, request_headers, attempted_at)
     SELECT a.id, $1, a.delivery_id, a.message_id, $2, a.status, a.trigger, a.http_status,
            a.error_kind, a.duration_ms, a.response_excerpt, a.request_headers, a.attempted_at
       FROM jsonb_to_recordset($3::jsonb) AS a(id text, delivery_id text, message_id text, status text,
            trigger text, http_status int, error_kind text, duration_ms int, response_excerpt text,
            request_headers jsonb, attempted_at timestamptz)`,
    [tx.tenantId, endpointId, JSON.stringify(attempts)],
  );
  await tx.query(
    `UPDATE deliveries d
        SET status = u.status, attempt_count = u.attempt_count, next_attempt_at = u.next_attempt_at,
            last_attempt_at = u.last_attempt_at, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS u(id text, status text, attempt_count int,
            next_attempt_at timestamptz, last_attempt_at timestamptz)
      WHERE d.tenant_id = $1 AND d.id = u.id`,
    [tx.tenantId, JSON.stringify(updates)],
  );
  // Attempts are metered (shown, not billed) in the same transaction that records them.
  await tx.query(
    `INSERT INTO usage_counters (tenant_id, hour, shard, attempts) VALUES ($1, date_trunc('hour', now()), $2, $3)
     ON CONFLICT (tenant_id, hour, shard) DO UPDATE SET attempts = usage_counters.attempts + EXCLUDED.attempts`,
    [tx.tenantId, usageShard(), attempts.length],
  );
}

export async function disableEndpoint(
  tx: TenantTx,
  endpointId: string,
  reason: string,
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE endpoints SET disabled_at = now(), disabled_reason = $3, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL AND deleted_at IS NULL RETURNING id`,
    [tx.tenantId, endpointId, reason],
  );
  return rows.length > 0;
}

/**
 * Which operational event an attempt causes, if any: `failing` once, when the attempt count
 * reaches the threshold; `exhausted` when the schedule runs out; `recovered` on a success after
 * `failing` was sent.
 */
export function operationalEventFor(
  verdict: 'success' | 'retry' | 'gone',
  status: string,
  attemptsBefore: number,
  attemptsMade: number,
  manual: boolean,
  failingAfter: number,
): OperationalEvent['type'] | null {
  if (verdict === 'success')
    return attemptsBefore >= failingAfter ? 'message.attempt.recovered' : null;
  if (manual) return null;
  if (status === 'EXHAUSTED') return 'message.attempt.exhausted';
  if (attemptsMade === failingAfter) return 'message.attempt.failing';
  return null;
}

/** The metric label for where an attempt left its delivery. */
function deliveryOutcome(verdict: 'success' | 'retry' | 'gone', status: string): DeliveryOutcome {
  if (verdict === 'success') return 'succeeded';
  if (status === 'PENDING') return 'retrying';
  if (status === 'EXHAUSTED') return 'exhausted';
  // A failed manual retry of a finished delivery leaves it as it was.
  return status === 'FAILED' ? 'failed' : 'unchanged';
}

function snapshot(row: EndpointRow | undefined): EndpointSnapshot {
  return {
    exists: !!row && !row.deleted_at,
    disabled: !row || !!row.deleted_at || !!row.disabled_at,
    fifo: row?.fifo ?? false,
    rateLimitPerSecond: row?.rate_limit_per_second ?? null,
  };
}

function toOutcome(sent: SendResult, nowMs: number): AttemptOutcome {
  if (sent.status !== null && sent.errorKind !== 'redirect') {
    return {
      kind: 'http',
      status: sent.status,
      retryAfterMs: parseRetryAfter(sent.retryAfter, nowMs),
    };
  }
  if (sent.status !== null) return { kind: 'http', status: sent.status };
  const error =
    sent.errorKind === 'ssrf' || sent.errorKind === 'redirect' || !sent.errorKind
      ? 'other'
      : sent.errorKind;
  return { kind: 'network', error };
}

function redact(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      RECORDED_HEADERS.has(k.toLowerCase()) ? v : '[redacted]',
    ]),
  );
}

async function mapConcurrent<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
