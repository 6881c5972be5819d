import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadApiConfig, type ApiConfig } from '@herald/config';
import { openDatabase } from '@herald/db';
import { connectTemporal, TemporalDispatcher } from '@herald/temporal';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { createLogger, startTracing } from '@herald/observability';
import { createServer } from './server';

/**
 * With HERALD_API_PROCESSES > 1 this process only supervises: it migrates once, then forks that
 * many API processes sharing the port (node:cluster), restarts any that die, and stops them all on
 * SIGINT/SIGTERM. The API is stateless, so processes need nothing from each other.
 */
async function supervise(config: ApiConfig): Promise<void> {
  const logger = createLogger(config.logLevel, { app: 'api', role: 'supervisor' });
  const db = await openDatabase(config.database);
  await db.close();
  let stopping = false;
  for (let i = 0; i < config.processes; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error('api process died; starting another', { pid: worker.process.pid, code, signal });
    cluster.fork();
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping api processes', { signal });
    const workers = Object.values(cluster.workers ?? {});
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker?.once('exit', () => --left === 0 && process.exit(0));
      worker?.process.kill('SIGTERM');
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const config = loadApiConfig();
  if (config.processes > 1 && cluster.isPrimary) return supervise(config);
  const logger = createLogger(config.logLevel, { app: 'api' });
  const tracing = startTracing(config.tracing);
  if (tracing.enabled) logger.info('tracing on', { otlp: config.tracing.otlpEndpoint });
  const db = await openDatabase(config.database);
  logger.info('database ready (migrations applied)');

  let temporal: Awaited<ReturnType<typeof connectTemporal>> | null = null;
  let dispatcher: TemporalDispatcher | null = null;
  if (config.temporal.address) {
    temporal = await connectTemporal({
      ...config.temporal,
      address: config.temporal.address,
      workflowInterceptors: [new OpenTelemetryWorkflowClientInterceptor()],
    });
    dispatcher = new TemporalDispatcher(temporal.client, config.temporal.taskQueue, logger);
    logger.info('delivery hand-off to Temporal', {
      address: config.temporal.address,
      taskQueue: config.temporal.taskQueue,
    });
  } else {
    logger.warn('TEMPORAL_ADDRESS is not set: messages are stored but not delivered');
  }

  const server = await createServer({
    config,
    db,
    logger,
    dispatcher: dispatcher ?? undefined,
  });
  const url = await server.listen();
  logger.info('api listening', { url: `${url}/graphql` });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await server.stop();
    // Hand-offs already buffered still go out; anything lost is re-enqueued by the reconciler.
    await dispatcher?.flush();
    await temporal?.connection.close();
    await db.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
