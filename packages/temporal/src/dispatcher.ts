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
export class TemporalDispatcher {
  private pending = new Map<string, PendingLane>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly logger: DispatcherLogger,
    private readonly lingerMs = 5,
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    for (const [endpointId, lane] of batch) {
      const p = this.signal(lane.tenantId, endpointId, lane.manual);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
    await Promise.all([...this.inFlight]);
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
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.lingerMs);
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
