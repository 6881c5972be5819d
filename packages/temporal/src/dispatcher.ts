import type { Client } from '@temporalio/client';
import {
  ENQUEUE_SIGNAL,
  LANE_WORKFLOW,
  laneWorkflowId,
  type DeliveryRef,
  type EnqueueSignal,
  type LaneInput,
} from './names';

export interface DispatchItem extends DeliveryRef {
  endpointId: string;
}

/**
 * Hands committed deliveries to their endpoint lanes: the one dispatch interface. The API
 * publishes through it, the worker hands operational events and reconciler wake-ups through it;
 * TemporalDispatcher is the implementation, `noDispatcher` the one without Temporal.
 */
export interface Dispatcher {
  /** False when no Temporal is configured: messages are stored, not delivered. */
  readonly enabled: boolean;
  dispatch(tenantId: string, deliveries: DispatchItem[]): void;
  /** Wakes one endpoint's lane so it looks for due work. */
  wake(tenantId: string, endpointId: string): void;
  /** Resolves once every buffered hand-off went out (or failed and was logged). */
  flush(): Promise<void>;
}

/** What publishing needs of a dispatcher. */
export type DeliveryHandOff = Pick<Dispatcher, 'enabled' | 'dispatch'>;

/** Without Temporal: nothing is handed off (the reconciler picks the rows up once it runs). */
export const noDispatcher: Dispatcher = {
  enabled: false,
  dispatch: () => undefined,
  wake: () => undefined,
  flush: async () => undefined,
};

export interface DispatcherLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

interface PendingLane {
  tenantId: string;
  manual: DeliveryRef[];
}

/**
 * Wakes endpoint lanes after deliveries were committed. Lanes read their due work from
 * PostgreSQL, so a wake-up carries no ids (only manual sends do), and publishes within `lingerMs`
 * of each other cost one signalWithStart per endpoint. A failed hand-off is only logged: the
 * rows are committed and PENDING, and the reconciler wakes the lane later.
 */
export class TemporalDispatcher implements Dispatcher {
  readonly enabled = true;
  private pending = new Map<string, PendingLane>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private readonly lastSignalAt = new Map<string, number>();

  /**
   * @param lingerMs how long a first wake-up waits for others to join it
   * @param minIntervalMs at most one signal per endpoint per interval: a lane that was just woken
   *   picks up everything due when its step runs, so signalling it per message only adds
   *   workflow tasks. Later wake-ups within the interval merge into one trailing signal.
   */
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly logger: DispatcherLogger,
    private readonly lingerMs = 5,
    private readonly minIntervalMs = 50,
  ) {}

  dispatch(tenantId: string, deliveries: DispatchItem[]): void {
    for (const d of deliveries) {
      const lane = this.lane(tenantId, d.endpointId);
      if (d.manual)
        lane.manual.push({ deliveryId: d.deliveryId, messageId: d.messageId, manual: true });
    }
    this.schedule();
  }

  /** Wakes one endpoint's lane so it looks for due work. */
  wake(tenantId: string, endpointId: string): void {
    this.lane(tenantId, endpointId);
    this.schedule();
  }

  /** Sends everything buffered now and waits for all hand-offs started so far. */
  async flush(): Promise<void> {
    this.send(true);
    await Promise.all([...this.inFlight]);
  }

  /** Signals the lanes whose interval has passed (all when `force`); keeps the rest for later. */
  private send(force: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    let nextWaitMs: number | null = null;
    for (const [endpointId, lane] of [...this.pending]) {
      const waitMs = (this.lastSignalAt.get(endpointId) ?? 0) + this.minIntervalMs - now;
      if (!force && waitMs > 0) {
        nextWaitMs = Math.min(nextWaitMs ?? waitMs, waitMs);
        continue;
      }
      this.pending.delete(endpointId);
      this.lastSignalAt.set(endpointId, now);
      const p = this.signal(lane.tenantId, endpointId, lane.manual);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
    if (nextWaitMs !== null) this.timer = setTimeout(() => this.send(false), nextWaitMs);
    if (this.lastSignalAt.size > 10_000) {
      for (const [endpointId, at] of this.lastSignalAt) {
        if (now - at > this.minIntervalMs) this.lastSignalAt.delete(endpointId);
      }
    }
  }

  private lane(tenantId: string, endpointId: string): PendingLane {
    let lane = this.pending.get(endpointId);
    if (!lane) {
      lane = { tenantId, manual: [] };
      this.pending.set(endpointId, lane);
    }
    return lane;
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.send(false), this.lingerMs);
  }

  private async signal(tenantId: string, endpointId: string, manual: DeliveryRef[]): Promise<void> {
    try {
      await this.client.workflow.signalWithStart(LANE_WORKFLOW, {
        workflowId: laneWorkflowId(endpointId),
        taskQueue: this.taskQueue,
        args: [{ tenantId, endpointId } satisfies LaneInput],
        signal: ENQUEUE_SIGNAL,
        signalArgs: [{ deliveries: manual } satisfies EnqueueSignal],
      });
    } catch (error) {
      this.logger.warn('lane hand-off failed; the reconciler will retry', {
        endpointId,
        manual: manual.length,
        error: (error as Error).message,
      });
    }
  }
}
