import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl } from './harness';

const load = createRequire(__filename);
const { createTestDatabase } = load('@herald/db/testing') as typeof import('@herald/db/testing');
const { MIGRATIONS } = load('@herald/db') as typeof import('@herald/db');
const { Client } = load('pg') as typeof import('pg');
const run = promisify(execFile);
const MIGRATE = join(__dirname, '..', '..', 'dist', 'migrate.js');

/** `node dist/migrate.js`, the Helm pre-install/pre-upgrade job, with only the given env. */
function migrate(env: Record<string, string>) {
  return run(process.execPath, [MIGRATE], { env: { PATH: process.env.PATH ?? '', ...env } });
}

describe('migrate', () => {
  it('applies every migration with nothing but DATABASE_URL, and again as a no-op', async () => {
    const db = await createTestDatabase(adminDatabaseUrl(), 'migrate');
    try {
      await migrate({ DATABASE_URL: db.url });
      await migrate({ DATABASE_URL: db.url });
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT name FROM schema_migrations ORDER BY id`);
        expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  });

  it('fails clearly without DATABASE_URL', async () => {
    await expect(migrate({})).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('DATABASE_URL'),
    });
  });
});
