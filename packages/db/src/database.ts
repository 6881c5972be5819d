import 'reflect-metadata';
import { DataSource, type EntityManager } from 'typeorm';
import type { DatabaseConfig } from '@herald/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { APP_ROLE } from './roles';

/**
 * A transaction bound to one tenant. Row-level security is switched on for its whole length
 * (SET LOCAL ROLE + the tenant setting), and every repository built on it filters by
 * `tenantId` as well, so a forgotten WHERE clause is caught by the database.
 */
export interface TenantTx {
  readonly tenantId: string;
  readonly manager: EntityManager;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A tenant-scoped transaction on a bare pg connection: for hot paths that need raw SQL only. */
export interface SqlTx {
  readonly tenantId: string;
  /**
   * `name` makes it a prepared statement on connections that support it (withTenantSql), so
   * PostgreSQL parses and plans a hot query once per connection instead of once per call.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
}

export interface Database {
  readonly dataSource: DataSource;
  /**
   * Like withTenant, on a bare pg connection: the transaction opens with the role and tenant set
   * in one round trip, and no ORM sits between the caller and the driver. Publishing uses it.
   */
  withTenantSql<T>(tenantId: string, fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction as `tenantId`, under row-level security. */
  withTenant<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` outside any tenant: authentication look-ups, sign-up, operator calls. Code here
   * must not read tenant data on behalf of a caller.
   */
  withSystem<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createDataSource(config: DatabaseConfig): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: config.poolSize,
      statement_timeout: config.statementTimeoutMs,
      application_name: 'herald',
    },
  });
}

export async function openDatabase(
  config: DatabaseConfig,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<Database> {
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  if (migrate) await migrateWithLock(dataSource);
  return wrapDataSource(dataSource);
}

/** Several API replicas may start together; an advisory lock lets exactly one migrate. */
async function migrateWithLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(7243001)');
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7243001)').catch(() => undefined);
    await runner.release();
  }
}

const TENANT_ID = /^tnt_[0-9A-Z]{26}$/;

/**
 * Rows of any statement. EntityManager.query answers UPDATE/DELETE … RETURNING with
 * [rows, rowCount] rather than the rows, so go through the query runner's structured result.
 */
async function rowsOf<T>(manager: EntityManager, sql: string, params?: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('TenantTx queries run inside their transaction');
  const result = await runner.query(sql, params, true);
  return result.records as T[];
}

interface PgClient {
  query(
    config: string | { name?: string; text: string; values?: unknown[] },
    params?: unknown[],
  ): Promise<{ rows: unknown[] }>;
  release(error?: Error | boolean): void;
}

export function wrapDataSource(dataSource: DataSource): Database {
  const pool = () =>
    (dataSource.driver as unknown as { master: { connect(): Promise<PgClient> } }).master;
  return {
    dataSource,
    async withTenantSql(tenantId, fn) {
      // Interpolated into a multi-statement simple query (which cannot take parameters), so
      // the id must be exactly a tenant id.
      if (!TENANT_ID.test(tenantId)) throw new Error('withTenantSql requires a tnt_ id');
      const client = await pool().connect();
      let broken: Error | undefined;
      try {
        await client.query(
          `BEGIN; SET LOCAL ROLE ${APP_ROLE}; SELECT set_config('herald.tenant_id', '${tenantId}', true)`,
        );
        const tx: SqlTx = {
          tenantId,
          query: async <R>(sql: string, params?: unknown[]) =>
            (await client.query(sql, params)).rows as R[],
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    withTenant(tenantId, fn) {
      if (!tenantId) throw new Error('withTenant requires a tenant id');
      return dataSource.transaction(async (manager) => {
        await manager.query(
          `SELECT set_config('role', $1, true), set_config('herald.tenant_id', $2, true)`,
          [APP_ROLE, tenantId],
        );
        const tx: TenantTx = {
          tenantId,
          manager,
          query: (sql, params) => rowsOf(manager, sql, params),
        };
        return fn(tx);
      });
    },
    withSystem(fn) {
      return dataSource.transaction(fn);
    },
    async ping() {
      await dataSource.query('SELECT 1');
    },
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
