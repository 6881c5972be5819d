import { loadMigrationConfig } from '@herald/config';
import { openDatabase } from '@herald/db';
import { createLogger } from '@herald/observability';

/**
 * Applies pending migrations and exits: the Helm pre-install/pre-upgrade job and
 * `npm run migrate`. Needs only DATABASE_URL. The apps migrate at start-up too (under the same
 * advisory lock), so running this first only moves the work out of the rollout.
 */
async function main(): Promise<void> {
  const logger = createLogger('info', { app: 'migrate' });
  const started = Date.now();
  const db = await openDatabase(loadMigrationConfig().database);
  await db.close();
  logger.info('migrations applied', { ms: Date.now() - started });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
