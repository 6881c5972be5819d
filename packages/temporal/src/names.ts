/**
 * Names shared by the API (which signals lanes) and the worker (which runs them). This file has
 * no runtime imports, so workflow code may import it inside Temporal's sandbox.
 */
export const DEFAULT_TASK_QUEUE = 'herald-deliveries';

export const LANE_WORKFLOW = 'laneWorkflow';
export const RECONCILER_WORKFLOW = 'reconcilerWorkflow';
export const RECONCILER_SCHEDULE_ID = 'herald-reconciler';
export const RETENTION_WORKFLOW = 'retentionWorkflow';
export const RETENTION_SCHEDULE_ID = 'herald-retention';

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

/**
 * Lanes pull due work from PostgreSQL, so a signal only wakes them; it carries delivery ids only
 * for manual sends, which must go out even when not due.
 */
export interface EnqueueSignal {
  deliveries: DeliveryRef[];
}

export interface LaneInput {
  tenantId: string;
  endpointId: string;
  /** Carried across continue-as-new. */
  state?: LaneState;
}

export interface LaneState {
  manual: DeliveryRef[];
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

export interface EndpointSnapshot {
  exists: boolean;
  disabled: boolean;
  fifo: boolean;
  rateLimitPerSecond: number | null;
}

export interface DeliverDueInput {
  tenantId: string;
  endpointId: string;
  /** Most scheduled deliveries to send in this step. */
  limit: number;
  /**
   * Skip this many due deliveries: parallel steps of one lane take consecutive slices of the
   * due list, read at the same moment, so they never pick the same delivery.
   */
  offset?: number;
  /** Manual sends to make in this step, due or not. */
  manual: DeliveryRef[];
  /** Only the manual sends (the circuit is open). */
  onlyManual: boolean;
}

export interface DeliverDueResult {
  endpoint: EndpointSnapshot;
  attempted: number;
  succeeded: number;
  failed: number;
  /** When the next scheduled delivery of this endpoint is due (ms epoch); null when none is pending. */
  nextDueAtMs: number | null;
}

export interface LaneSettings {
  batchSize: number;
  circuitFailureThreshold: number;
  circuitCooldownMs: number;
  circuitMaxCooldownMs: number;
  autoDisableAfterMs: number;
  idleTimeoutMs: number;
  /** Steps a lane runs at once (non-FIFO, closed circuit, no rate limit). */
  parallelSteps: number;
  /** Continue-as-new once the history passes this many events. */
  maxHistoryEvents: number;
}
