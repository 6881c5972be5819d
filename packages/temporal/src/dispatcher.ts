import type { Client } from '@temporalio/client';
import { ENQUEUE_SIGNAL, LANE_WORKFLOW, laneWorkflowId, type DeliveryRef, type EnqueueSignal, type LaneInput } from './names';

export interface DispatchItem extends DeliveryRef {
  endpointId: string;
}

export interface DispatcherLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Hands deliveries to their endpoint lanes. Publishes within `lingerMs` of each other are sent
 * as one signal per endpoint, so a burst of single sends costs one signalWithStart per endpoint
 * instead of one per message. A failed hand-off is only logged: the delivery rows are committed
 * and PENDING, and the reconciler re-enqueues them.
 */
export class TemporalDispatcher {
  private pending = new Map<string, { tenantId: string; items: DeliveryRef[] }>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly logger: DispatcherLogger,
    private readonly lingerMs = 5,
    private readonly maxPerSignal = 2000,
  ) {}

  dispatch(tenantId: string, deliveries: DispatchItem[]): void {
    for (const d of deliveries) {
      const lane = this.pending.get(d.endpointId) ?? { tenantId, items: [] };
      lane.items.push({ deliveryId: d.deliveryId, messageId: d.messageId, ...(d.manual ? { manual: true } : {}) });
      this.pending.set(d.endpointId, lane);
    }
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.lingerMs);
  }

  /** Sends everything buffered now and waits for all hand-offs started so far. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    for (const [endpointId, lane] of batch) {
      for (let i = 0; i < lane.items.length; i += this.maxPerSignal) {
        const p = this.signal(lane.tenantId, endpointId, lane.items.slice(i, i + this.maxPerSignal));
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      }
    }
    await Promise.all([...this.inFlight]);
  }

  private async signal(tenantId: string, endpointId: string, deliveries: DeliveryRef[]): Promise<void> {
    try {
      await this.client.workflow.signalWithStart(LANE_WORKFLOW, {
        workflowId: laneWorkflowId(endpointId),
        taskQueue: this.taskQueue,
        args: [{ tenantId, endpointId } satisfies LaneInput],
        signal: ENQUEUE_SIGNAL,
        signalArgs: [{ deliveries } satisfies EnqueueSignal],
      });
    } catch (error) {
      this.logger.warn('lane hand-off failed; the reconciler will retry', {
        endpointId,
        count: deliveries.length,
        error: (error as Error).message,
      });
    }
  }
}
