import { loadWorkerConfig } from '@herald/config';
import { openDatabase } from '@herald/db';
import { connectTemporal } from '@herald/temporal';
import { NativeConnection } from '@temporalio/worker';
import { createLogger } from '@herald/observability';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger(config.logLevel, { app: 'worker' });
  const db = await openDatabase(config.database);
  const tls = config.temporal.tls
    ? {
        clientCertPair: {
          crt: Buffer.from(config.temporal.tls.clientCertPem),
          key: Buffer.from(config.temporal.tls.clientKeyPem),
        },
      }
    : config.temporal.apiKey
      ? true
      : undefined;
  // Temporal may be down when the worker starts (a restart during an outage): keep trying.
  let connection: NativeConnection;
  for (let attempt = 1; ; attempt++) {
    try {
      connection = await NativeConnection.connect({
        address: config.temporal.address,
        apiKey: config.temporal.apiKey ?? undefined,
        tls,
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
  const worker = await createWorker({ config, db, connection, client, logger });
  logger.info('worker started', {
    taskQueue: config.temporal.taskQueue,
    temporal: config.temporal.address,
  });

  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    void worker.shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await worker.run();
  await clientConnection.close();
  await connection.close();
  await db.close();
  logger.info('worker stopped');
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
