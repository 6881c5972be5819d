import 'reflect-metadata';
import { loadApiConfig } from '@herald/config';
import { openDatabase } from '@herald/db';
import { connectTemporal, TemporalDispatcher } from '@herald/temporal';
import { createLogger } from '@herald/observability';
import { createServer } from './server';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger(config.logLevel, { app: 'api' });
  const db = await openDatabase(config.database);
  logger.info('database ready (migrations applied)');

  let temporal: Awaited<ReturnType<typeof connectTemporal>> | null = null;
  let dispatcher: TemporalDispatcher | null = null;
  if (config.temporal.address) {
    temporal = await connectTemporal({ ...config.temporal, address: config.temporal.address });
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
    dispatcher: dispatcher
      ? { enabled: true, dispatch: (tenantId, items) => dispatcher.dispatch(tenantId, items) }
      : undefined,
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
