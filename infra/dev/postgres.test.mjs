import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePostgres } from './postgres.mjs';

const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'herald-infra-test-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('ensurePostgres', () => {
  it('returns DATABASE_URL untouched when it is set', async () => {
    const handle = await ensurePostgres({ env: { DATABASE_URL: 'postgres://x@127.0.0.1:1/y' } });
    expect(handle.url).toBe('postgres://x@127.0.0.1:1/y');
    expect(handle.embedded).toBe(false);
    await handle.stop();
  });

  it('starts an embedded server, creates the database, and keeps data across restarts', async () => {
    const dataDir = path.join(tmp, 'data');
    const first = await ensurePostgres({ dataDir, port: 0, env: {}, fast: true });
    try {
      expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/herald$/);
      await query(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    } finally {
      await first.stop();
    }
    expect(() => process.kill(first.pid, 0)).toThrow();

    const second = await ensurePostgres({ dataDir, port: 0, env: {}, fast: true });
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
