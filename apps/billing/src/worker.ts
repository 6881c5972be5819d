import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ensureSchedule, workflowSource } from '@herald/temporal';
import type { Logger } from '@herald/observability';
import { createBillingActivities, type BillingActivityDeps } from './activities';
import { USAGE_REPORT_SCHEDULE_ID, USAGE_REPORT_WORKFLOW } from './names';

export interface BillingWorkerDeps {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  /** How often the schedule starts a report. */
  reportIntervalMs: number;
  activities: BillingActivityDeps;
  logger: Logger;
}

export interface BillingWorker {
  worker: Worker;
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The billing worker and its schedule (one per task queue, created once, then left alone). */
export async function createBillingWorker(deps: BillingWorkerDeps): Promise<BillingWorker> {
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...workflowSource(__dirname, () => require.resolve('./workflows')),
    activities: createBillingActivities(deps.activities),
    maxConcurrentActivityTaskExecutions: 2,
  });
  await ensureUsageSchedule(deps);
  let running: Promise<void> | null = null;
  return {
    worker,
    run() {
      running ??= worker.run();
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

export function usageScheduleId(taskQueue: string): string {
  return `${USAGE_REPORT_SCHEDULE_ID}:${taskQueue}`;
}

/** Creates the usage schedule of a task queue unless it exists (replicas and restarts share it). */
export async function ensureUsageSchedule(
  deps: Pick<BillingWorkerDeps, 'client' | 'taskQueue' | 'reportIntervalMs' | 'logger'>,
): Promise<void> {
  await ensureSchedule(deps.client, deps.logger, {
    scheduleId: usageScheduleId(deps.taskQueue),
    workflowType: USAGE_REPORT_WORKFLOW,
    taskQueue: deps.taskQueue,
    everyMs: deps.reportIntervalMs,
  });
}
