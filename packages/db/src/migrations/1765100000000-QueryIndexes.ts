import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What keeps message, delivery and attempt queries fast on big tables (measured with
 * `npm run bench:queries` at 1M and 10M messages; see the benchmark's header).
 *
 * Partial indexes for status filters. Without them "failed attempts to this endpoint" and
 * "exhausted deliveries to this endpoint" walk the endpoint's whole history through the
 * (tenant_id, endpoint_id, id) indexes, fetching every row to test its status: the healthier the
 * endpoint, the longer the walk. Both hold only the few percent of rows that are not a success,
 * so they cost little on insert; deliveries_endpoint_status_idx also serves endpoint stats.
 *
 * A covering attempts_endpoint_idx. Endpoint stats count an endpoint's attempts by status over a
 * window; with status and attempted_at in the index (INCLUDE) that is an index-only scan of the
 * window instead of one heap fetch per attempt. It replaces the plain index of the same name and
 * columns (built first, then swapped), so inserts still maintain one index there, a little wider.
 *
 * Extended statistics. An endpoint belongs to one application of one tenant, but the planner
 * assumes tenant_id and endpoint_id are independent and underestimates an endpoint's rows by the
 * number of tenants. Functional-dependency statistics correct that for deliveries and attempts
 * (filled by ANALYZE: run here, sample-based and cheap; later by autovacuum). Not for messages:
 * there, at 10M messages, the corrected estimates made the planner walk messages_pkey backwards
 * for filtered lists, which was slower.
 *
 * CREATE INDEX CONCURRENTLY does not block writes to tables that are already large, but it cannot
 * run inside a transaction, so this migration opts out of the per-migration transaction
 * (`transaction = false`) and sends one statement per query. If it is interrupted, an INVALID
 * index may be left behind; each index is dropped first (IF EXISTS), so running it again repairs
 * that.
 */
export class QueryIndexes1765100000000 implements MigrationInterface {
  name = 'QueryIndexes1765100000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await withoutStatementTimeout(q, async () => {
      for (const [name, definition] of INDEXES) {
        await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
        await q.query(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
      }
      await replaceIndex(q, 'attempts_endpoint_idx', COVERING_ATTEMPTS_ENDPOINT);
      for (const [name, definition] of STATISTICS)
        await q.query(`CREATE STATISTICS IF NOT EXISTS ${name} (dependencies) ON ${definition}`);
      await q.query(`ANALYZE messages, deliveries, attempts`);
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await withoutStatementTimeout(q, async () => {
      for (const [name] of STATISTICS) await q.query(`DROP STATISTICS IF EXISTS ${name}`);
      await replaceIndex(q, 'attempts_endpoint_idx', PLAIN_ATTEMPTS_ENDPOINT);
      for (const [name] of INDEXES) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    });
  }
}

/**
 * Migrations run on the API's pool, whose statement_timeout (HERALD_DB_STATEMENT_TIMEOUT_MS, 30 s)
 * a concurrent index build on a big table outlasts (it did at 10M messages). No transaction here,
 * so the setting is the session's: lifted for these statements, then reset to the pool's.
 */
async function withoutStatementTimeout(q: QueryRunner, fn: () => Promise<void>): Promise<void> {
  await q.query(`SET statement_timeout = 0`);
  try {
    await fn();
  } finally {
    await q.query(`RESET statement_timeout`);
  }
}

/** Builds `name` anew beside the old one, then swaps them; safe to run again if interrupted. */
async function replaceIndex(q: QueryRunner, name: string, definition: string): Promise<void> {
  const next = `${name}_next`;
  await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${next}`);
  await q.query(`CREATE INDEX CONCURRENTLY ${next} ON ${definition}`);
  await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await q.query(`ALTER INDEX ${next} RENAME TO ${name}`);
}

const COVERING_ATTEMPTS_ENDPOINT = `attempts (tenant_id, endpoint_id, id DESC) INCLUDE (status, attempted_at)`;
const PLAIN_ATTEMPTS_ENDPOINT = `attempts (tenant_id, endpoint_id, id DESC)`;

const INDEXES: [name: string, definition: string][] = [
  [
    'attempts_endpoint_failed_idx',
    `attempts (tenant_id, endpoint_id, id DESC) WHERE status = 'FAILED'`,
  ],
  [
    'deliveries_endpoint_status_idx',
    `deliveries (tenant_id, endpoint_id, status, id DESC) WHERE status <> 'SUCCEEDED'`,
  ],
];

const STATISTICS: [name: string, definition: string][] = [
  ['deliveries_tenant_endpoint_stats', 'tenant_id, application_id, endpoint_id FROM deliveries'],
  ['attempts_tenant_endpoint_stats', 'tenant_id, endpoint_id FROM attempts'],
];
