import {
  EndpointRepository,
  LaneRepository,
  notifyDeliveryEvents,
  type AttemptRecord,
  type Database,
  type DeliveryEvent,
  type DeliveryUpdate,
} from '@herald/db';
import { createIdFactory } from '@herald/domain';
import type { DispatchItem } from '@herald/temporal';
import { publishOperationalEvents, type OperationalEvent } from '../operational';
import type { Decision } from './decide';
import type { Sent } from './send';

const nextId = createIdFactory();
const GONE_REASON = 'The receiver answered 410 Gone';

/**
 * Headers whose values attempts record. Every other value — the signature and all of the
 * endpoint's custom headers, which often carry credentials — is stored as `[redacted]`: attempts
 * are readable by viewers and read-only portal sessions, which must not learn them.
 */
const RECORDED_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'content-type', 'user-agent']);

/** Everything one step writes, built from what was sent and what was decided. */
export interface StepRecords {
  attempts: AttemptRecord[];
  updates: DeliveryUpdate[];
  events: DeliveryEvent[];
  operational: OperationalEvent[];
  gone: boolean;
}

export function toRecords(
  endpointId: string,
  decided: { item: Sent; decision: Decision }[],
  nowMs: number,
): StepRecords {
  const records: StepRecords = {
    attempts: [],
    updates: [],
    events: [],
    operational: [],
    gone: false,
  };
  for (const { item, decision } of decided) {
    const { delivery, sent, attemptedAt } = item;
    const attemptId = nextId('atm');
    records.gone ||= decision.gone;
    records.attempts.push({
      id: attemptId,
      deliveryId: delivery.id,
      messageId: delivery.messageId,
      status: decision.verdict === 'success' ? 'SUCCEEDED' : 'FAILED',
      trigger: item.manual ? 'MANUAL' : 'SCHEDULED',
      httpStatus: sent.status,
      errorKind: sent.errorKind,
      durationMs: sent.durationMs,
      responseExcerpt: sent.excerpt?.replace(/\u0000/g, '\uFFFD') ?? null,
      requestHeaders: redact(item.headers),
      attemptedAt,
    });
    records.updates.push({
      id: delivery.id,
      status: decision.status,
      attemptCount: decision.attemptCount,
      nextAttemptAt: decision.nextDelayMs === null ? null : new Date(nowMs + decision.nextDelayMs),
      lastAttemptAt: attemptedAt,
    });
    // Operational applications never emit operational events themselves (no feedback loops).
    if (decision.operational && delivery.applicationKind === 'customer') {
      records.operational.push({
        type: decision.operational,
        data: {
          applicationId: delivery.applicationId,
          applicationUid: delivery.applicationUid,
          messageId: delivery.messageId,
          eventType: delivery.eventType,
          endpointId,
          deliveryId: delivery.id,
          lastAttempt: {
            id: attemptId,
            timestamp: attemptedAt.toISOString(),
            responseStatusCode: sent.status,
            errorKind: sent.errorKind,
          },
        },
      });
    }
    records.events.push({
      deliveryId: delivery.id,
      messageId: delivery.messageId,
      applicationId: delivery.applicationId,
      endpointId,
      status: decision.status,
      attemptId,
      httpStatus: sent.status,
    });
  }
  return records;
}

/**
 * The step's one write transaction: attempts, delivery states, a 410's disable (and its
 * operational event), the live-update notifications, operational events; then when the endpoint
 * next has something due. Returns what to hand to lanes after commit.
 */
export async function recordStep(
  db: Database,
  target: { tenantId: string; endpointId: string; fifo: boolean },
  records: StepRecords,
  application: { id: string; operational: boolean },
): Promise<{ handOff: DispatchItem[]; nextDueAtMs: number | null }> {
  return db.withTenant(target.tenantId, async (tx) => {
    const lanes = new LaneRepository(tx);
    await lanes.record(target.endpointId, records.attempts, records.updates);
    const operational = [...records.operational];
    if (
      records.gone &&
      (await new EndpointRepository(tx).disable(target.endpointId, GONE_REASON)) &&
      !application.operational
    ) {
      operational.push({
        type: 'endpoint.disabled',
        data: {
          applicationId: application.id,
          endpointId: target.endpointId,
          reason: GONE_REASON,
          failingSince: null,
        },
      });
    }
    await notifyDeliveryEvents(tx, records.events);
    const handOff = await publishOperationalEvents(tx, operational);
    return { handOff, nextDueAtMs: await lanes.nextDue(target.endpointId, target.fifo) };
  });
}

function redact(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      RECORDED_HEADERS.has(k.toLowerCase()) ? v : '[redacted]',
    ]),
  );
}
