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
  CircuitState,
  DeliverDueResult,
  EnqueueSignal,
  LaneInput,
  LaneSettings,
  LaneState,
} from '@herald/temporal/names';

export const enqueueSignal = defineSignal<[EnqueueSignal]>('enqueue');

const { deliverDue, abandonDeliveries, autoDisableEndpoint } = proxyActivities<Activities>({
  // A step is at most batchSize requests of ≤ 15 s each, run concurrently.
  startToCloseTimeout: '5 minutes',
  // The activity heartbeats every 2 s, so a worker that died is noticed (and the step retried
  // elsewhere) within seconds rather than at the start-to-close timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { laneSettings } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

// Keep histories well under Temporal's limits whatever the event count says.
const MAX_HISTORY_BYTES = 4 * 1024 * 1024;
const MAX_MANUAL_PER_STEP = 50;

/**
 * One lane per endpoint (workflow id `lane:<endpointId>`) paces everything sent to that endpoint:
 * one deliverDue step at a time, each sending up to a batch of what PostgreSQL says is due, within
 * the endpoint's rate limit and FIFO rule, behind a circuit breaker. PostgreSQL holds the work
 * (which deliveries, when they are due), so the lane's own state stays a few numbers however big
 * the backlog. Signals wake it; it ends when nothing is pending and nobody woke it for a while,
 * and the next signalWithStart starts it again.
 */
export async function laneWorkflow(input: LaneInput): Promise<void> {
  const settings: LaneSettings = await laneSettings();
  const state: LaneState = input.state ?? {
    manual: [],
    circuit: {
      status: 'closed',
      consecutiveFailures: 0,
      openUntilMs: null,
      cooldownMs: settings.circuitCooldownMs,
    },
    failingSinceMs: null,
  };
  const { tenantId, endpointId } = input;
  let woken = false;
  // Until the first step reports the endpoint's rate limit, send one at a time.
  let ratePerSecond: number | null | undefined;
  let fifo = true;
  let backlog = false;

  setHandler(enqueueSignal, ({ deliveries }) => {
    woken = true;
    for (const d of deliveries) {
      if (d.manual && !state.manual.some((m) => m.deliveryId === d.deliveryId))
        state.manual.push(d);
    }
  });

  for (;;) {
    const circuit = state.circuit;
    if (circuit.status === 'open') {
      const waitMs = (circuit.openUntilMs ?? 0) - Date.now();
      // While open, only manual sends (an operator testing the endpoint) go out.
      if (waitMs > 0 && !(await condition(() => state.manual.length > 0, waitMs)))
        circuit.status = 'half-open';
      else if (waitMs <= 0) circuit.status = 'half-open';
    }

    woken = false;
    const limit =
      circuit.status !== 'closed' || ratePerSecond === undefined
        ? 1
        : batchLimit(settings, ratePerSecond);
    const manual = state.manual.splice(0, MAX_MANUAL_PER_STEP);
    const startedAt = Date.now();
    // A healthy, unthrottled lane runs several steps at once on consecutive slices of what is due,
    // so one slow receiver response does not hold up the rest. FIFO lanes never do (one in flight).
    const steps: number =
      backlog && circuit.status === 'closed' && ratePerSecond === null && !fifo
        ? settings.parallelSteps
        : 1;
    const results = await Promise.all(
      Array.from({ length: steps }, (_, i) =>
        deliverDue({
          tenantId,
          endpointId,
          limit,
          offset: i * limit,
          manual: i === 0 ? manual : [],
          onlyManual: circuit.status === 'open',
        }),
      ),
    );
    const result = combine(results);
    // Every slice came back full: more is waiting, so the next round fans out.
    backlog = result.attempted >= steps * limit;
    ratePerSecond = result.endpoint.rateLimitPerSecond;
    fifo = result.endpoint.fifo;

    if (result.endpoint.disabled) {
      await abandonDeliveries({ tenantId, endpointId });
      return;
    }
    recordOutcome(state, result.succeeded, result.failed, settings, Date.now());
    if (
      state.failingSinceMs !== null &&
      Date.now() - state.failingSinceMs >= settings.autoDisableAfterMs
    ) {
      await autoDisableEndpoint({ tenantId, endpointId, failingSinceMs: state.failingSinceMs });
      await abandonDeliveries({ tenantId, endpointId });
      return;
    }
    if (ratePerSecond !== null && result.attempted > 0) {
      // A step sends at most one second's worth; the next may start once that second is used up.
      const earliestNext = startedAt + (result.attempted / ratePerSecond) * 1000;
      if (earliestNext > Date.now()) await sleep(earliestNext - Date.now());
    }
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      info.historyLength > settings.maxHistoryEvents ||
      info.historySize > MAX_HISTORY_BYTES
    ) {
      await continueAsNew<typeof laneWorkflow>({ tenantId, endpointId, state });
    }

    if (state.manual.length > 0) continue;
    const nextDue = result.nextDueAtMs;
    if (nextDue !== null && nextDue <= Date.now()) continue;
    // Nothing due now: sleep until the next retry is due, or a signal brings new work.
    const waitMs = nextDue === null ? settings.idleTimeoutMs : Math.max(nextDue - Date.now(), 1);
    const signalled = await condition(() => woken || state.manual.length > 0, waitMs);
    if (!signalled && nextDue === null) return;
  }
}

function combine(results: DeliverDueResult[]): DeliverDueResult {
  const due = results.map((r) => r.nextDueAtMs).filter((d): d is number => d !== null);
  return {
    endpoint: results[0].endpoint,
    attempted: results.reduce((n, r) => n + r.attempted, 0),
    succeeded: results.reduce((n, r) => n + r.succeeded, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    nextDueAtMs: due.length ? Math.min(...due) : null,
  };
}

function batchLimit(settings: LaneSettings, ratePerSecond: number | null): number {
  if (ratePerSecond === null) return settings.batchSize;
  return Math.max(1, Math.min(settings.batchSize, Math.floor(ratePerSecond)));
}

function recordOutcome(
  state: LaneState,
  succeeded: number,
  failed: number,
  settings: LaneSettings,
  nowMs: number,
): void {
  const circuit = state.circuit;
  if (succeeded > 0) {
    circuit.status = 'closed';
    circuit.consecutiveFailures = 0;
    circuit.openUntilMs = null;
    circuit.cooldownMs = settings.circuitCooldownMs;
    state.failingSinceMs = null;
    return;
  }
  if (failed === 0) return;
  state.failingSinceMs ??= nowMs;
  circuit.consecutiveFailures += failed;
  if (circuit.status === 'half-open') {
    // The probe failed: stay away longer each time.
    circuit.cooldownMs = Math.min(circuit.cooldownMs * 2, settings.circuitMaxCooldownMs);
    open(circuit, nowMs);
  } else if (
    circuit.status === 'closed' &&
    circuit.consecutiveFailures >= settings.circuitFailureThreshold
  ) {
    open(circuit, nowMs);
  }
}

function open(circuit: CircuitState, nowMs: number): void {
  circuit.status = 'open';
  circuit.openUntilMs = nowMs + circuit.cooldownMs;
}
