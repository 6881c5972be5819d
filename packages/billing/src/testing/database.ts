import { createRequire } from 'node:module';
import type { Database } from '@herald/db';

/*
 * @herald/db is loaded as built CommonJS with require(), as apps/api's harness does: TypeORM and
 * its decorated entities must come from one realm, which vitest's ESM pipeline would split.
 */
const load = createRequire(__filename);
const { openDatabase } = load('@herald/db') as typeof import('@herald/db');
const { createTestDatabase } = load('@herald/db/testing') as typeof import('@herald/db/testing');

export function adminDatabaseUrl(): string {
  return (
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export interface BillingTestDatabase {
  db: Database;
  /** Inserts a tenant row directly (system scope). */
  createTenant(
    id: string,
    options?: { plan?: 'free' | 'pro' | 'enterprise'; createdAt?: Date; name?: string },
  ): Promise<void>;
  /** Adds to one usage_counters shard row of a tenant's hour. */
  addUsage(
    tenantId: string,
    hour: Date,
    shard: number,
    messages: number,
    attempts?: number,
  ): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database of its own, dropped by stop(). */
export async function startBillingTestDatabase(): Promise<BillingTestDatabase> {
  const testDb = await createTestDatabase(adminDatabaseUrl(), 'billing');
  const db = await openDatabase({ url: testDb.url, poolSize: 5, statementTimeoutMs: 10_000 });
  return {
    db,
    async createTenant(
      id,
      { plan = 'pro', createdAt = new Date('2026-01-01T00:00:00Z'), name } = {},
    ) {
      await db.withSystem((m) =>
        m.query(`INSERT INTO tenants (id, name, plan, created_at) VALUES ($1, $2, $3, $4)`, [
          id,
          name ?? `Tenant ${id}`,
          plan,
          createdAt,
        ]),
      );
    },
    async addUsage(tenantId, hour, shard, messages, attempts = 0) {
      await db.withSystem((m) =>
        m.query(
          `INSERT INTO usage_counters (tenant_id, hour, shard, messages, attempts)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, hour, shard) DO UPDATE
             SET messages = usage_counters.messages + EXCLUDED.messages,
                 attempts = usage_counters.attempts + EXCLUDED.attempts`,
          [tenantId, hour, shard, messages, attempts],
        ),
      );
    },
    async stop() {
      await db.close();
      await testDb.drop();
    },
  };
}
