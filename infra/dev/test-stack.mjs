// The environment test suites and benchmarks run in: a PostgreSQL admin URL (each suite creates
// and drops its own database from it) plus any "test services" (Temporal, stripe-mock, … later).
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensurePostgres, probePostgres } from './postgres.mjs';
import { ensureStripeMock } from './stripe-mock.mjs';
import { ensureTemporal } from './temporal.mjs';
import { createLog, normalizeLog, redactUrl } from './util.mjs';

export const SYSTEM_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * @typedef {object} TestService
 * @property {string} name
 * @property {(ctx: { log: any, env: Record<string, string> }) => boolean} [enabled]
 * @property {(ctx: { log: any, env: Record<string, string> }) => Promise<{ env: Record<string, string>, stop: () => Promise<void> }>} start
 */

/**
 * Services started for `npm test` / with-stack after PostgreSQL, in order; their `env` is merged
 * into the test environment and `stop` runs at the end (reverse order). Later issues add e.g.:
 *
 *   {
 *     name: 'temporal',
 *     enabled: () => !process.env.TEMPORAL_ADDRESS,
 *     start: async ({ log }) => {
 *       const t = await ensureTemporal({ dbFile: null, log });   // from ./temporal.mjs
 *       return { env: { HERALD_TEST_TEMPORAL_ADDRESS: t.address }, stop: t.stop };
 *     },
 *   },
 *   { name: 'stripe-mock', start: … → { env: { HERALD_TEST_STRIPE_MOCK_URL: … } } },
 *
 * Note: turbo.json's test task only passes DATABASE_URL, HERALD_* and CI through to the suites,
 * so name the variables HERALD_TEST_* (or extend turbo.json).
 * @type {TestService[]}
 */
export const testServices = [
  {
    // One in-memory Temporal dev server for the whole run; suites use task queues of their own.
    name: 'temporal',
    enabled: () => !process.env.HERALD_TEST_TEMPORAL_ADDRESS,
    start: async ({ log }) => {
      const temporal = await ensureTemporal({
        dbFile: null,
        headless: true,
        log,
        env: { ...process.env, TEMPORAL_ADDRESS: '' },
      });
      return {
        env: { HERALD_TEST_TEMPORAL_ADDRESS: temporal.address },
        stop: () => temporal.stop(),
      };
    },
  },
  {
    // One stripe-mock for the whole run (stateless, so suites can share it).
    name: 'stripe-mock',
    enabled: () => !process.env.HERALD_TEST_STRIPE_MOCK_URL,
    start: async ({ log }) => {
      const stripeMock = await ensureStripeMock({ log });
      return {
        env: { HERALD_TEST_STRIPE_MOCK_URL: stripeMock.url },
        stop: () => stripeMock.stop(),
      };
    },
  },
];

/**
 * Resolve the PostgreSQL admin URL for tests: DATABASE_URL if set, else the system server on
 * 127.0.0.1:5432 when it accepts connections, else an embedded server in a temp dir on a free
 * port (removed by stop()). Then start the test services.
 * @param {{ log?: any, systemUrl?: string }} [options]
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }>}
 */
export async function prepareTestStack({ log, systemUrl = SYSTEM_POSTGRES_URL } = {}) {
  log = normalizeLog(log);
  const stops = [];
  const stop = async () => {
    while (stops.length > 0) {
      const fn = stops.pop();
      try {
        await fn();
      } catch (err) {
        log.error(`cleanup failed: ${err?.message ?? err}`);
      }
    }
  };

  try {
    const env = {};
    let adminUrl;
    if (process.env.DATABASE_URL) {
      adminUrl = process.env.DATABASE_URL;
      log(`PostgreSQL for tests: DATABASE_URL (${redactUrl(adminUrl)})`);
    } else if (await probePostgres(systemUrl)) {
      adminUrl = systemUrl;
      log(`PostgreSQL for tests: system server at ${redactUrl(systemUrl)}`);
    } else {
      const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'herald-test-pg-'));
      stops.push(() => fsp.rm(tmp, { recursive: true, force: true }));
      log(
        `No DATABASE_URL and nothing at ${redactUrl(systemUrl)}: starting a throwaway embedded PostgreSQL`,
      );
      const pg = await ensurePostgres({
        dataDir: path.join(tmp, 'data'),
        port: 0,
        database: null,
        fast: true,
        log: createLog('postgres'),
        env: { ...process.env, DATABASE_URL: '' },
      });
      stops.push(() => pg.stop());
      adminUrl = pg.adminUrl;
    }
    env.HERALD_TEST_ADMIN_DATABASE_URL = adminUrl;

    for (const service of testServices) {
      const ctx = { log: createLog(service.name), env: { ...env } };
      if (service.enabled && !service.enabled(ctx)) continue;
      const started = await service.start(ctx);
      stops.push(() => started.stop());
      Object.assign(env, started.env);
    }
    return { env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
