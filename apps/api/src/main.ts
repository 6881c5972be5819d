import 'reflect-metadata';
import { loadApiConfig } from '@herald/config';
import { openDatabase } from '@herald/db';
import { createLogger } from './logger';
import { createServer } from './server';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger(config.logLevel, { app: 'api' });
  const db = await openDatabase(config.database);
  logger.info('database ready (migrations applied)');
  const server = await createServer({ config, db, logger });
  const url = await server.listen();
  logger.info('api listening', { url: `${url}/graphql` });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
