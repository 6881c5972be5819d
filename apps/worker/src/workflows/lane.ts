import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  DeliveryOutcome,
  DeliveryRef,
  EnqueueSignal,
  LaneInput,
  LaneSettings,
  LaneState,
} from '@herald/temporal/names';

export const enqueueSignal = defineSignal<[EnqueueSignal]>('enqueue');

const { deliverBatch, abandonDeliveries, autoDisableEndpoint } = proxyActivities<Activities>({
  // A batch is at most batchSize requests of ≤ 15 s each, run concurrently.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { laneSettings } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

/**
 * One lane per endpoint (workflow id `lane:<endpointId>`): it owns everything due to that
 * endpoint — what to send now, what to retry when, the circuit breaker and the rate limit —
 * and sends in batches through the deliverBatch activity. Signals add deliveries; the lane
 * ends after a quiet spell and is started again by the next signal (signalWithStart).
 */
export async function laneWorkflow(input: LaneInput): Promise<void> {
  const settings: LaneSettings = await laneSettings();
  const state: LaneState = input.state ?? {
    queue: [],
    retries: [],
    circuit: { status: 'closed', consecutiveFailures: 0, openUntilMs: null, cooldownMs: settings.circuitCooldownMs },
    failingSinceMs: null,
  };
  const held = new Set<string>([...state.queue, ...state.retries].map((d) => d.deliveryId));
  let fifo = false;
  let ratePerSecond: number | null = null;
  // Until the first batch reports the endpoint's FIFO flag and rate limit, send one at a time.
  let endpointKnown = false;

  setHandler(enqueueSignal, ({ deliveries }) => {
    for (const d of deliveries) {
      if (d.manual) {
        // A manual send goes out now even when the delivery also waits for a scheduled retry.
        if (!state.queue.some((q) => q.deliveryId === d.deliveryId && q.manual)) state.queue.push(d);
      } else if (!held.has(d.deliveryId)) {
        held.add(d.deliveryId);
        state.queue.push(d);
      }
    }
  });

  for (;;) {
    promoteDueRetries(state, Date.now());
    const sendable = sendableCount(state, fifo);
    if (sendable === 0) {
      const nextDue = state.retries.length ? Math.min(...state.retries.map((r) => r.dueAtMs)) : null;
      if (nextDue === null && state.queue.length === 0) {
        // Quiet: end, unless a signal arrives within the idle timeout.
        if (!(await condition(() => state.queue.length > 0, settings.idleTimeoutMs))) return;
      } else {
        const waitMs = nextDue === null ? settings.idleTimeoutMs : Math.max(nextDue - Date.now(), 1);
        await condition(() => sendableCount(state, fifo) > 0, waitMs);
      }
      continue;
    }

    const circuit = state.circuit;
    if (circuit.status === 'open') {
      const waitMs = (circuit.openUntilMs ?? 0) - Date.now();
      if (waitMs > 0) {
        // Manual sends still go through an open circuit: an operator is testing the endpoint.
        if (!(await condition(() => state.queue.some((d) => d.manual), waitMs))) circuit.status = 'half-open';
      } else {
        circuit.status = 'half-open';
      }
    }

    const limit = circuit.status !== 'closed' || !endpointKnown ? 1 : settings.batchSize;
    const batch = takeBatch(state, fifo, limit, ratePerSecond, circuit.status === 'open');
    if (batch.length === 0) continue;
    const startedAt = Date.now();
    const result = await deliverBatch({ tenantId: input.tenantId, endpointId: input.endpointId, deliveries: batch });
    fifo = result.endpoint.fifo;
    ratePerSecond = result.endpoint.rateLimitPerSecond;
    endpointKnown = true;

    applyOutcomes(state, batch, result.outcomes, held, settings, Date.now());

    if (result.endpoint.disabled) {
      await abandonDeliveries({ tenantId: input.tenantId, endpointId: input.endpointId, deliveryIds: [...held] });
      return;
    }
    if (state.failingSinceMs !== null && Date.now() - state.failingSinceMs >= settings.autoDisableAfterMs) {
      await autoDisableEndpoint({ tenantId: input.tenantId, endpointId: input.endpointId, failingSinceMs: state.failingSinceMs });
      await abandonDeliveries({ tenantId: input.tenantId, endpointId: input.endpointId, deliveryIds: [...held] });
      return;
    }
    if (ratePerSecond !== null) {
      // Each batch holds at most one second's worth; pace so the next starts no sooner than allowed.
      const earliestNext = startedAt + (batch.length / ratePerSecond) * 1000;
      if (earliestNext > Date.now()) await sleep(earliestNext - Date.now());
    }
    if (workflowInfo().historyLength > settings.maxHistoryEvents) {
      await continueAsNew<typeof laneWorkflow>({ tenantId: input.tenantId, endpointId: input.endpointId, state });
    }
  }
}

function promoteDueRetries(state: LaneState, nowMs: number): void {
  if (state.retries.length === 0) return;
  const due = state.retries.filter((r) => r.dueAtMs <= nowMs);
  if (due.length === 0) return;
  state.retries = state.retries.filter((r) => r.dueAtMs > nowMs);
  for (const { dueAtMs: _dueAtMs, ...ref } of due) state.queue.push(ref);
}

/**
 * FIFO: a delivery waiting for its retry blocks everything behind it; only manual sends
 * (an operator's explicit request) pass.
 */
function sendableCount(state: LaneState, fifo: boolean): number {
  if (!fifo || state.retries.length === 0) return state.queue.length;
  return state.queue.filter((d) => d.manual).length;
}

function takeBatch(
  state: LaneState,
  fifo: boolean,
  limit: number,
  ratePerSecond: number | null,
  onlyManual: boolean,
): DeliveryRef[] {
  let size = limit;
  if (ratePerSecond !== null) size = Math.min(size, Math.max(1, Math.floor(ratePerSecond)));
  if (fifo || onlyManual) {
    const manual = state.queue.filter((d) => d.manual);
    if (onlyManual || manual.length > 0 || state.retries.length > 0) {
      state.queue = state.queue.filter((d) => !manual.slice(0, size).includes(d));
      return manual.slice(0, size);
    }
    // Strictly one in flight, oldest message first.
    state.queue.sort((a, b) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    return state.queue.splice(0, 1);
  }
  return state.queue.splice(0, size);
}

function applyOutcomes(
  state: LaneState,
  batch: DeliveryRef[],
  outcomes: DeliveryOutcome[],
  held: Set<string>,
  settings: LaneSettings,
  nowMs: number,
): void {
  const byId = new Map(outcomes.map((o) => [o.deliveryId, o]));
  let succeeded = 0;
  let failed = 0;
  for (const ref of batch) {
    const outcome = byId.get(ref.deliveryId);
    if (!outcome) continue;
    if (outcome.result === 'succeeded') succeeded++;
    if (outcome.result === 'retry' || outcome.result === 'failed') failed++;
    if (ref.manual) continue;
    if (outcome.result === 'retry') {
      state.retries.push({ ...ref, dueAtMs: nowMs + outcome.delayMs });
    } else {
      held.delete(ref.deliveryId);
    }
  }
  const circuit = state.circuit;
  if (succeeded > 0) {
    circuit.status = 'closed';
    circuit.consecutiveFailures = 0;
    circuit.openUntilMs = null;
    circuit.cooldownMs = settings.circuitCooldownMs;
    state.failingSinceMs = null;
  } else if (failed > 0) {
    state.failingSinceMs ??= nowMs;
    circuit.consecutiveFailures += failed;
    if (circuit.status === 'half-open') {
      circuit.cooldownMs = Math.min(circuit.cooldownMs * 2, settings.circuitMaxCooldownMs);
      open(circuit, nowMs);
    } else if (circuit.status === 'closed' && circuit.consecutiveFailures >= settings.circuitFailureThreshold) {
      open(circuit, nowMs);
    }
  }
}

function open(circuit: LaneState['circuit'], nowMs: number): void {
  circuit.status = 'open';
  circuit.openUntilMs = nowMs + circuit.cooldownMs;
}
