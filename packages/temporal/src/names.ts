/**
 * Names shared by the API (which signals lanes) and the worker (which runs them). This file has
 * no runtime imports, so workflow code may import it inside Temporal's sandbox.
 */
export const DEFAULT_TASK_QUEUE = 'herald-deliveries';

export const LANE_WORKFLOW = 'laneWorkflow';
export const RECONCILER_WORKFLOW = 'reconcilerWorkflow';
export const RECONCILER_SCHEDULE_ID = 'herald-reconciler';

export const ENQUEUE_SIGNAL = 'enqueue';

/** One lane per endpoint: every delivery to that endpoint goes through it. */
export function laneWorkflowId(endpointId: string): string {
  return `lane:${endpointId}`;
}

export interface DeliveryRef {
  deliveryId: string;
  /** Message id: FIFO lanes deliver in this order. */
  messageId: string;
  /** A manual send (resend, retry, recover): one attempt, never rescheduled. */
  manual?: boolean;
}

export interface EnqueueSignal {
  deliveries: DeliveryRef[];
}

export interface LaneInput {
  tenantId: string;
  endpointId: string;
  /** Carried across continue-as-new. */
  state?: LaneState;
}

export interface ScheduledRetry extends DeliveryRef {
  dueAtMs: number;
}

export interface LaneState {
  queue: DeliveryRef[];
  retries: ScheduledRetry[];
  circuit: CircuitState;
  /** When the current unbroken run of failures began; null after any success. */
  failingSinceMs: number | null;
}

export interface CircuitState {
  status: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  openUntilMs: number | null;
  /** Grows while probes keep failing, reset on success. */
  cooldownMs: number;
}

/** What one delivery's attempt came to, as decided (and already written) by the activity. */
export type DeliveryOutcome =
  | { deliveryId: string; result: 'succeeded' }
  | { deliveryId: string; result: 'retry'; delayMs: number }
  /** Final: exhausted, endpoint gone (410), or a manual attempt that failed. */
  | { deliveryId: string; result: 'failed' }
  /** Nothing to do: already delivered, cancelled, or its endpoint or message is gone. */
  | { deliveryId: string; result: 'skipped' };

export interface EndpointSnapshot {
  exists: boolean;
  disabled: boolean;
  fifo: boolean;
  rateLimitPerSecond: number | null;
}

export interface DeliverBatchInput {
  tenantId: string;
  endpointId: string;
  deliveries: DeliveryRef[];
}

export interface DeliverBatchResult {
  endpoint: EndpointSnapshot;
  outcomes: DeliveryOutcome[];
}

export interface LaneSettings {
  batchSize: number;
  circuitFailureThreshold: number;
  circuitCooldownMs: number;
  circuitMaxCooldownMs: number;
  autoDisableAfterMs: number;
  idleTimeoutMs: number;
  /** Continue-as-new once the history passes this many events. */
  maxHistoryEvents: number;
}
