import { loadWorkerConfig } from '@herald/config';
import { openDatabase, type Database } from '@herald/db';
import { connectTemporal, temporalTls } from '@herald/temporal';
import { NativeConnection } from '@temporalio/worker';
import {
  createLogger,
  deliveryMetrics,
  metricsRegistry,
  startTracing,
  type Logger,
} from '@herald/observability';
import type { WorkerConfig } from '@herald/config';
import { queueLagSampler, startHealthServer, type HealthServer } from './health-server';
import { createWorker, type HeraldWorker } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger(config.logLevel, { app: 'worker' });
  const tracing = startTracing(config.tracing);
  if (tracing.enabled) logger.info('tracing on', { otlp: config.tracing.otlpEndpoint });
  let db: Database | null = null;
  let worker: HeraldWorker | null = null;
  let stopping = false;
  const registry = config.metrics.enabled ? metricsRegistry() : null;
  const health = await startProbes(config, logger, {
    live: () => worker?.worker.getState() !== 'FAILED',
    ready: async () => {
      if (stopping) return 'shutting down';
      if (!db || !worker) return 'starting (database or Temporal not connected yet)';
      const state = worker.worker.getState();
      if (state !== 'RUNNING') return `worker is ${state.toLowerCase()}`;
      await db.ping();
      return null;
    },
    registry,
  });

  db = await openDatabase(config.database);
  if (registry) deliveryMetrics(registry).setQueueLagSampler(queueLagSampler(db));
  // Temporal may be down when the worker starts (a restart during an outage): keep trying.
  let connection: NativeConnection;
  for (let attempt = 1; ; attempt++) {
    try {
      connection = await NativeConnection.connect({
        address: config.temporal.address,
        apiKey: config.temporal.apiKey ?? undefined,
        tls: temporalTls(config.temporal),
      });
      break;
    } catch (error) {
      logger.warn('Temporal is unreachable; retrying', {
        attempt,
        error: (error as Error).message,
      });
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 10_000)));
    }
  }
  const { client, connection: clientConnection } = await connectTemporal(config.temporal);
  worker = await createWorker({ config, db, connection, client, logger });
  logger.info('worker started', {
    taskQueue: config.temporal.taskQueue,
    temporal: config.temporal.address,
    probes: health?.url ?? null,
  });

  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    stopping = true;
    void worker?.shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await worker.run();
  await clientConnection.close();
  await connection.close();
  await db.close();
  await health?.close();
  await tracing.shutdown();
  logger.info('worker stopped');
}

/**
 * Starts the probe/metrics server. A taken port (several workers on one development host) is
 * not fatal: that worker runs without probes, and says so. In Kubernetes each pod has its own.
 */
async function startProbes(
  config: WorkerConfig,
  logger: Logger,
  checks: Pick<Parameters<typeof startHealthServer>[0], 'live' | 'ready' | 'registry'>,
): Promise<HealthServer | null> {
  try {
    const health = await startHealthServer({
      host: config.metrics.host,
      port: config.metrics.port,
      ...checks,
    });
    logger.info('probes listening', { url: health.url, metrics: checks.registry !== null });
    return health;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn('probe port in use: running without /healthz, /readyz and /metrics', {
      port: config.metrics.port,
      hint: 'set HERALD_METRICS_PORT (0 picks a free port)',
    });
    return null;
  }
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
