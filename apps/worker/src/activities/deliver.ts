import type { DeliveryConfig } from '@herald/config';
import {
  EndpointRepository,
  LaneRepository,
  type Database,
  type DueDelivery,
  type LaneEndpoint,
  type SecretCipher,
  type TenantTx,
} from '@herald/db';
import { deliveryMetrics, type DeliveryMetrics } from '@herald/observability';
import type {
  DeliverDueInput,
  DeliverDueResult,
  Dispatcher,
  EndpointSnapshot,
} from '@herald/temporal';
import type { WebhookSender } from '../http/sender';
import { decide, type StepPolicy } from './step/decide';
import { recordStep, toRecords } from './step/record';
import { sendAll, type StepWork } from './step/send';

export { operationalEventFor } from './step/decide';

export interface DeliverDeps {
  db: Database;
  /** Hands operational-webhook deliveries to their lanes after commit. */
  dispatcher: Dispatcher;
  cipher: SecretCipher;
  sender: WebhookSender;
  delivery: DeliveryConfig;
  random?: () => number;
  now?: () => number;
  /** Defaults to this process's registry (served on the worker's /metrics). */
  metrics?: DeliveryMetrics;
}

/**
 * One lane step, in four parts: load what is due for the endpoint (plus any manual sends) in one
 * read transaction; send it concurrently with no transaction open (step/send.ts); decide what
 * each answer means (step/decide.ts, pure); record every attempt and delivery update in one
 * write transaction (step/record.ts). The lane only paces itself by the counts and the next due
 * time this returns.
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
  if (loaded.work.length === 0) {
    return { endpoint, attempted: 0, succeeded: 0, failed: 0, nextDueAtMs: loaded.nextDueAtMs };
  }

  const secrets = loaded.secrets.map((s) => deps.cipher.decrypt(s.ciphertext, s.id));
  const sent = await sendAll(
    {
      sender: deps.sender,
      userAgent: deps.delivery.userAgent,
      concurrency: deps.delivery.concurrencyPerEndpoint,
      now,
    },
    { tenantId: input.tenantId, endpointId: input.endpointId, endpoint: loaded.endpoint, secrets },
    loaded.work,
  );
  const policy = stepPolicy(deps.delivery);
  const decided = sent.map((item) => {
    const decision = decide(item.delivery, item.manual, item.sent, policy, {
      nowMs: now(),
      random,
    });
    metrics.attempt({
      status: item.sent.status,
      errorKind: item.sent.errorKind,
      durationMs: item.sent.durationMs,
      outcome: decision.outcome,
    });
    return { item, decision };
  });
  const succeeded = decided.filter((d) => d.decision.verdict === 'success').length;
  const failed = decided.length - succeeded;
  metrics.laneStep(input.endpointId, succeeded, failed, deps.delivery.circuitFailureThreshold);

  const records = toRecords(input.endpointId, decided, now());
  const first = sent[0].delivery;
  const { handOff, nextDueAtMs } = await recordStep(
    deps.db,
    { tenantId: input.tenantId, endpointId: input.endpointId, fifo: endpoint.fifo },
    records,
    { id: first.applicationId, operational: first.applicationKind === 'operational' },
  );
  if (handOff.length > 0) deps.dispatcher.dispatch(input.tenantId, handOff);
  return {
    endpoint: records.gone ? { ...endpoint, disabled: true } : endpoint,
    attempted: decided.length,
    succeeded,
    failed,
    nextDueAtMs,
  };
}

function stepPolicy(delivery: DeliveryConfig): StepPolicy {
  return {
    schedule: delivery.retryScheduleMs,
    jitter: delivery.jitter,
    minDelayAfterThrottleMs: delivery.minDelayAfterThrottleMs,
    maxRetryAfterMs: delivery.maxRetryAfterMs,
    failingEventAfterAttempts: delivery.failingEventAfterAttempts,
  };
}

/** The step's read transaction: the endpoint, its signing secrets and the deliveries to send. */
async function load(tx: TenantTx, input: DeliverDueInput) {
  const lanes = new LaneRepository(tx);
  const endpoint = await lanes.endpoint(input.endpointId);
  const manualIds = input.manual.map((m) => m.deliveryId);
  if (!endpoint || endpoint.deletedAt || endpoint.disabledAt) {
    return { endpoint, secrets: [], work: [] as StepWork[], nextDueAtMs: null };
  }
  const secrets = await new EndpointRepository(tx).activeSecrets(input.endpointId);
  const manual = await lanes.byIds(input.endpointId, manualIds);
  let due: DueDelivery[] = [];
  if (!input.onlyManual && input.limit > 0) {
    due = endpoint.fifo
      ? (await lanes.fifoHead(input.endpointId)).filter((d) => !manualIds.includes(d.id))
      : await lanes.due(input.endpointId, {
          limit: input.limit,
          offset: input.offset ?? 0,
          exclude: manualIds,
        });
  }
  const work: StepWork[] = [
    ...manual.map((delivery) => ({ delivery, manual: true })),
    ...due.map((delivery) => ({ delivery, manual: false })),
  ];
  const nextDueAtMs =
    work.length === 0 ? await lanes.nextDue(input.endpointId, endpoint.fifo) : null;
  return { endpoint, secrets, work, nextDueAtMs };
}

function snapshot(row: LaneEndpoint | null): EndpointSnapshot {
  return {
    exists: !!row && !row.deletedAt,
    disabled: !row || !!row.deletedAt || !!row.disabledAt,
    fifo: row?.fifo ?? false,
    rateLimitPerSecond: row?.rateLimitPerSecond ?? null,
  };
}
