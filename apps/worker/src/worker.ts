import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { OpenTelemetryActivityInboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkerConfig } from '@herald/config';
import { SecretCipher, type Database } from '@herald/db';
import {
  RECONCILER_SCHEDULE_ID,
  RECONCILER_WORKFLOW,
  RETENTION_SCHEDULE_ID,
  RETENTION_WORKFLOW,
  TemporalDispatcher,
  ensureSchedule,
  workflowSource,
} from '@herald/temporal';
import { createActivities } from './activities';
import { WebhookSender } from './http/sender';

export interface WorkerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface WorkerDeps {
  config: WorkerConfig;
  db: Database;
  /** For the worker's own polling. */
  connection: NativeConnection;
  /** For signalling lanes (reconciler) and managing the schedule. */
  client: Client;
  logger: WorkerLogger;
}

export interface HeraldWorker {
  worker: Worker;
  /** Resolves when the worker has shut down. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createWorker(deps: WorkerDeps): Promise<HeraldWorker> {
  const { config, db, logger } = deps;
  const sender = new WebhookSender({
    timeoutMs: config.delivery.timeoutMs,
    excerptBytes: config.delivery.responseExcerptBytes,
    allowList: config.ssrfAllowList,
    connectionsPerOrigin: config.delivery.concurrencyPerEndpoint,
  });
  const dispatcher = new TemporalDispatcher(deps.client, config.temporal.taskQueue, logger);
  const activities = createActivities({
    db,
    cipher: new SecretCipher(config.encryptionKey),
    sender,
    delivery: config.delivery,
    dispatcher,
    retention: config.retention,
  });
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // The production build ships pre-bundled workflow code; tests and dev bundle on the fly.
    ...workflowSource(__dirname, () => require.resolve('./workflows')),
    activities,
    // A span per activity execution (a no-op while tracing is off), continuing the caller's trace.
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })],
    },
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: config.maxCachedWorkflows,
  });
  await ensureSchedule(deps.client, logger, {
    // One schedule per task queue, so deployments (and test runs) sharing a namespace stay apart.
    scheduleId: `${RECONCILER_SCHEDULE_ID}:${config.temporal.taskQueue}`,
    workflowType: RECONCILER_WORKFLOW,
    taskQueue: config.temporal.taskQueue,
    everyMs: config.delivery.reconcileIntervalMs,
  });
  await ensureSchedule(deps.client, logger, {
    scheduleId: `${RETENTION_SCHEDULE_ID}:${config.temporal.taskQueue}`,
    workflowType: RETENTION_WORKFLOW,
    taskQueue: config.temporal.taskQueue,
    everyMs: config.retention.intervalMs,
  });
  let running: Promise<void> | null = null;
  return {
    worker,
    run() {
      running ??= worker.run().finally(() => sender.close());
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
