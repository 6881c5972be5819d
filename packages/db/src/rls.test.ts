import { createRequire } from 'node:module';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, TenantTx } from './database';
import type { TestDatabase } from './testing';

/*
 * Row-level security is the second wall: even a query that forgets `WHERE tenant_id = …` must
 * only see and touch the current tenant's rows. These tests talk to PostgreSQL directly.
 *
 * The built package is loaded with require(), as apps/api's harness does: TypeORM's decorated
 * entities and the CJS copy of typeorm must come from one realm.
 */
const load = createRequire(__filename);
const { openDatabase, TENANT_TABLES, APP_ROLE } = load(
  '../dist/index.js',
) as typeof import('./index');
const { createTestDatabase } = load('../dist/testing.js') as typeof import('./testing');

type TenantTable = (typeof TENANT_TABLES)[number];

const A = 'tnt_A';
const B = 'tnt_B';

/**
 * One INSERT per tenant table, for tenant `t`, with ids ending in `s`. Parents are the seeded
 * rows (suffix 1) of the same tenant, so the only thing wrong with a cross-tenant insert is
 * the tenant id itself.
 */
const INSERT: Record<TenantTable, (t: string, s: string) => [string, unknown[]]> = {
  members: (t, s) => [
    `INSERT INTO members (id, tenant_id, user_id, role, accepted_at) VALUES ($1, $2, $3, 'owner', now())`,
    [`mbr_${t}_${s}`, t, `usr_${t}_${s}`],
  ],
  api_keys: (t, s) => [
    `INSERT INTO api_keys (id, tenant_id, name, role, key_hash, key_prefix) VALUES ($1, $2, 'key', 'admin', $3, 'hk_')`,
    [`key_${t}_${s}`, t, `hash_${t}_${s}`],
  ],
  applications: (t, s) => [
    // Both tenants use the same uid: uniqueness is per tenant.
    `INSERT INTO applications (id, tenant_id, uid, name) VALUES ($1, $2, $3, $4)`,
    [`app_${t}_${s}`, t, `shared-uid-${s}`, `App ${t} ${s}`],
  ],
  event_types: (t, s) => [
    `INSERT INTO event_types (id, tenant_id, name) VALUES ($1, $2, $3)`,
    [`et_${t}_${s}`, t, `shared.name.${s}`],
  ],
  endpoints: (t, s) => [
    `INSERT INTO endpoints (id, tenant_id, application_id, url) VALUES ($1, $2, $3, 'https://example.com/hook')`,
    [`ep_${t}_${s}`, t, `app_${t}_1`],
  ],
  endpoint_secrets: (t, s) => [
    `INSERT INTO endpoint_secrets (id, tenant_id, endpoint_id, ciphertext) VALUES ($1, $2, $3, decode('00', 'hex'))`,
    [`sec_${t}_${s}`, t, `ep_${t}_1`],
  ],
  messages: (t, s) => [
    `INSERT INTO messages (id, tenant_id, application_id, event_type, payload) VALUES ($1, $2, $3, 'a.b', '{"n": 1}')`,
    [`msg_${t}_${s}`, t, `app_${t}_1`],
  ],
  idempotency_keys: (t, s) => [
    `INSERT INTO idempotency_keys (tenant_id, application_id, key, message_id) VALUES ($1, $2, $3, $4)`,
    [t, `app_${t}_1`, `key-${s}`, `msg_${t}_1`],
  ],
  deliveries: (t, s) => [
    `INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status) VALUES ($1, $2, $3, $4, $5, 'PENDING')`,
    [`dlv_${t}_${s}`, t, `app_${t}_1`, `msg_${t}_1`, `ep_${t}_1`],
  ],
  attempts: (t, s) => [
    `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, duration_ms)
     VALUES ($1, $2, $3, $4, $5, 'FAILED', 'SCHEDULED', 5)`,
    [`att_${t}_${s}`, t, `dlv_${t}_1`, `msg_${t}_1`, `ep_${t}_1`],
  ],
};

let testDb: TestDatabase;
let db: Database;

class Rollback extends Error {}

/** TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL with [rows, affectedCount]; SELECT with rows. */
function returned<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) ? value[0] : value) as T[];
}

/** Runs `fn` as tenant `tenantId` and rolls the transaction back, so tests leave the data as seeded. */
async function asTenantRolledBack<T>(
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  await db
    .withTenant(tenantId, async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

/** Counts of each tenant table per tenant, read unscoped. */
async function countsByTenant(): Promise<Record<string, Record<string, number>>> {
  return db.withSystem(async (m) => {
    const out: Record<string, Record<string, number>> = {};
    for (const table of ['tenants', 'sessions', ...TENANT_TABLES]) {
      const column = table === 'tenants' ? 'id' : 'tenant_id';
      const rows: { tenant: string; n: number }[] = await m.query(
        `SELECT ${column} AS tenant, count(*)::int AS n FROM ${table} GROUP BY 1`,
      );
      out[table] = Object.fromEntries(rows.map((r) => [r.tenant, r.n]));
    }
    return out;
  });
}

beforeAll(async () => {
  const adminUrl =
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  testDb = await createTestDatabase(adminUrl, 'rls');
  db = await openDatabase({ url: testDb.url, poolSize: 4, statementTimeoutMs: 10_000 });
  await db.withSystem(async (m) => {
    for (const t of [A, B]) {
      await m.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [t, `Tenant ${t}`]);
      for (const s of ['1', '2']) {
        await m.query(`INSERT INTO users (id, email) VALUES ($1, $2)`, [
          `usr_${t}_${s}`,
          `${s}@${t}.example`,
        ]);
      }
      await m.query(
        `INSERT INTO sessions (id, token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4, now() + interval '1 day')`,
        [`ses_${t}`, `session_hash_${t}`, `usr_${t}_1`, t],
      );
      // TENANT_TABLES is in foreign-key order, parents first.
      for (const table of TENANT_TABLES) {
        const [sql, params] = INSERT[table](t, '1');
        await m.query(sql, params);
      }
    }
  });
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe('row-level security setup', () => {
  it('has an INSERT fixture for exactly the tables the migration lists as tenant tables', () => {
    expect(Object.keys(INSERT).sort()).toEqual([...TENANT_TABLES].sort());
  });

  it('guards every table with a tenant_id column by a policy, or closes it to the app role entirely', async () => {
    const tables: { table: string; rls: boolean; policies: number; readable: boolean }[] =
      await db.withSystem((m) =>
        m.query(
          `SELECT c.relname AS table, c.relrowsecurity AS rls,
                (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies,
                has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS readable
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r'
            AND EXISTS (SELECT 1 FROM information_schema.columns col
                         WHERE col.table_schema = 'public' AND col.table_name = c.relname AND col.column_name = 'tenant_id')
          ORDER BY 1`,
          [APP_ROLE],
        ),
      );
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining([...TENANT_TABLES, 'sessions']),
    );
    for (const t of tables) {
      const guarded = (t.rls && t.policies > 0) || !t.readable;
      expect(
        guarded,
        `${t.table}: rls=${t.rls} policies=${t.policies} app role has access=${t.readable}`,
      ).toBe(true);
    }
    for (const table of TENANT_TABLES) {
      expect(tables.find((t) => t.table === table)?.rls, table).toBe(true);
    }
  });

  it('seeded one row of each tenant table for both tenants', async () => {
    const counts = await countsByTenant();
    for (const table of ['tenants', 'sessions', ...TENANT_TABLES]) {
      expect(counts[table], table).toEqual({ [A]: 1, [B]: 1 });
    }
  });
});

describe('inside withTenant(A), SQL without a tenant filter', () => {
  it.each([...TENANT_TABLES])('SELECT * FROM %s returns only A rows', async (table) => {
    const rows: { tenant_id: string }[] = await db.withTenant(A, (tx) =>
      tx.query(`SELECT * FROM ${table}`),
    );
    expect(rows).toHaveLength(1);
    expect(rows.map((r) => r.tenant_id)).toEqual([A]);
  });

  it('SELECT * FROM tenants returns only tenant A', async () => {
    const rows: { id: string }[] = await db.withTenant(A, (tx) =>
      tx.query(`SELECT * FROM tenants`),
    );
    expect(rows.map((r) => r.id)).toEqual([A]);
  });

  it('a lookup of a B row by its primary key finds nothing', async () => {
    const rows = await db.withTenant(A, (tx) =>
      tx.query(`SELECT * FROM applications WHERE id = $1`, [`app_${B}_1`]),
    );
    expect(rows).toEqual([]);
    // The uid is shared by both tenants: only A's application answers.
    const byUid: { id: string }[] = await db.withTenant(A, (tx) =>
      tx.query(`SELECT id FROM applications WHERE uid = 'shared-uid-1'`),
    );
    expect(byUid.map((r) => r.id)).toEqual([`app_${A}_1`]);
  });

  it('a join across tables never reaches B rows', async () => {
    const rows: { tenant_id: string }[] = await db.withTenant(A, (tx) =>
      tx.query(
        `SELECT d.tenant_id FROM deliveries d
           JOIN messages m ON m.id = d.message_id
           JOIN endpoints e ON e.id = d.endpoint_id
           JOIN applications a ON a.id = e.application_id`,
      ),
    );
    expect(rows).toEqual([{ tenant_id: A }]);
  });

  it.each([...TENANT_TABLES])(
    'INSERT INTO %s of a row carrying tenant B is refused by WITH CHECK',
    async (table) => {
      const [sql, params] = INSERT[table](B, '2');
      await expect(db.withTenant(A, (tx) => tx.query(sql, params))).rejects.toThrow(
        /row-level security/,
      );
    },
  );

  it.each([...TENANT_TABLES])(
    'INSERT INTO %s of a row carrying tenant A is allowed (the fixture is valid)',
    async (table) => {
      const [sql, params] = INSERT[table](A, '2');
      const inserted = await asTenantRolledBack(A, async (tx) => {
        await tx.query(sql, params);
        return tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      });
      expect(inserted[0].n).toBe(2);
    },
  );

  it('cannot create a tenant row, and cannot move its own rows to tenant B', async () => {
    await expect(
      db.withTenant(A, (tx) => tx.query(`INSERT INTO tenants (id, name) VALUES ('tnt_C', 'C')`)),
    ).rejects.toThrow(/permission denied/);
    await expect(
      db.withTenant(A, (tx) => tx.query(`UPDATE applications SET tenant_id = $1`, [B])),
    ).rejects.toThrow(/row-level security/);
    await expect(
      db.withTenant(A, (tx) => tx.query(`UPDATE tenants SET id = $1`, [B])),
    ).rejects.toThrow(/row-level security/);
  });

  it.each([...TENANT_TABLES])('UPDATE %s without WHERE touches only A rows', async (table) => {
    const touched = await asTenantRolledBack(A, async (tx) =>
      returned<{ tenant_id: string }>(
        await tx.query(`UPDATE ${table} SET tenant_id = tenant_id RETURNING tenant_id`),
      ),
    );
    expect(touched).toEqual([{ tenant_id: A }]);
  });

  it.each([...TENANT_TABLES])('DELETE FROM %s without WHERE removes only A rows', async (table) => {
    const removed = await asTenantRolledBack(A, async (tx) =>
      returned<{ tenant_id: string }>(await tx.query(`DELETE FROM ${table} RETURNING tenant_id`)),
    );
    expect(removed).toEqual([{ tenant_id: A }]);
  });

  it('a committed UPDATE without WHERE changes A and leaves B as it was', async () => {
    await db.withTenant(A, async (tx) => {
      await tx.query(`UPDATE applications SET name = 'renamed by A'`);
      await tx.query(`UPDATE tenants SET name = 'renamed by A'`);
    });
    const names: { id: string; name: string }[] = await db.withSystem((m) =>
      m.query(
        `SELECT id, name FROM applications UNION ALL SELECT id, name FROM tenants ORDER BY id`,
      ),
    );
    expect(names).toEqual([
      { id: `app_${A}_1`, name: 'renamed by A' },
      { id: `app_${B}_1`, name: `App ${B} 1` },
      { id: A, name: 'renamed by A' },
      { id: B, name: `Tenant ${B}` },
    ]);
  });

  it('cannot read or change sessions at all (not tenant-scoped data for the app role)', async () => {
    await expect(db.withTenant(A, (tx) => tx.query(`SELECT * FROM sessions`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.withTenant(A, (tx) => tx.query(`DELETE FROM sessions`))).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe('as the app role with no tenant set', () => {
  const ALL = ['tenants', ...TENANT_TABLES] as const;

  it('sees no rows in any tenant table (pooled connection, SET LOCAL ROLE only)', async () => {
    const counts = await db.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL ROLE ${APP_ROLE}`);
      const out: Record<string, number> = {};
      for (const table of ALL)
        out[table] = (await m.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
      return out;
    });
    expect(counts).toEqual(Object.fromEntries(ALL.map((t) => [t, 0])));
  });

  it('sees no rows on a fresh connection, nor on one where a tenant was set by an earlier transaction', async () => {
    const client = new Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const countAll = async () => {
        const out: Record<string, number> = {};
        for (const table of ALL)
          out[table] = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
        return out;
      };
      const none = Object.fromEntries(ALL.map((t) => [t, 0]));

      // Never set in this session: current_setting(…, true) is NULL.
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
      expect(await countAll()).toEqual(none);
      await client.query('COMMIT');

      // Set locally by an earlier transaction: the setting now exists but is empty.
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
      await client.query(`SELECT set_config('herald.tenant_id', $1, true)`, [A]);
      expect((await client.query(`SELECT count(*)::int AS n FROM applications`)).rows[0].n).toBe(1);
      await client.query('COMMIT');

      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
      expect(
        (await client.query(`SELECT current_setting('herald.tenant_id', true) AS v`)).rows[0].v,
      ).toBe('');
      expect(await countAll()).toEqual(none);
      await client.query('COMMIT');

      // An unknown tenant id sees nothing either.
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
      await client.query(`SELECT set_config('herald.tenant_id', 'tnt_nobody', true)`);
      expect(await countAll()).toEqual(none);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  });

  it.each([...TENANT_TABLES])('cannot INSERT into %s for any tenant', async (table) => {
    const [sql, params] = INSERT[table](A, '3');
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL ROLE ${APP_ROLE}`);
        await m.query(sql, params);
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it('UPDATE and DELETE without WHERE affect nothing', async () => {
    const before = await countsByTenant();
    const affected = await db.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL ROLE ${APP_ROLE}`);
      const out: number[] = [];
      for (const table of [...TENANT_TABLES].reverse()) {
        out.push(
          returned(await m.query(`UPDATE ${table} SET tenant_id = tenant_id RETURNING 1`)).length,
        );
        out.push(returned(await m.query(`DELETE FROM ${table} RETURNING 1`)).length);
      }
      return out;
    });
    expect(affected.every((n) => n === 0)).toBe(true);
    expect(await countsByTenant()).toEqual(before);
  });

  it('withTenant refuses an empty tenant id', async () => {
    await expect(Promise.resolve().then(() => db.withTenant('', async () => 1))).rejects.toThrow(
      /requires a tenant id/,
    );
  });
});

describe('a committed DELETE without WHERE as tenant A', () => {
  it("empties A's tables (cascading to A's children) and leaves every B row in place", async () => {
    const before = await countsByTenant();
    await db.withTenant(A, async (tx) => {
      // Children first; the application delete would cascade anyway.
      for (const table of [...TENANT_TABLES].reverse()) await tx.query(`DELETE FROM ${table}`);
    });
    const after = await countsByTenant();
    for (const table of TENANT_TABLES) {
      expect(after[table][A] ?? 0, `${table} rows of A`).toBe(0);
      expect(after[table][B], `${table} rows of B`).toBe(before[table][B]);
    }
    expect(after.tenants).toEqual(before.tenants);
    expect(after.sessions).toEqual(before.sessions);
  });
});
