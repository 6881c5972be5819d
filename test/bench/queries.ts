/*
 * Read-path benchmark at scale
 * ============================
 *
 * What it measures
 *   How fast the queries a dashboard and the SDK make stay when the tables are big. A fresh
 *   database is seeded with --rows messages over --tenants tenants (skewed: tenant i gets a share
 *   ∝ 1/(i+1), and within it application j ∝ 1/(j+1)), --endpoints endpoints per application, one
 *   delivery per message and endpoint, and attempts (most succeed at once, some fail 1–3 times
 *   first, a few are exhausted; endpoint 0 of each application is healthy, endpoint 1 flaky), with
 *   created_at spread over --days days and payloads of ~500 bytes (see seed.ts). Seeding runs
 *   with every production index, foreign key and RLS policy in place; VACUUM ANALYZE follows, as
 *   autovacuum would have done on a long-lived table.
 *
 *   Then, through the real GraphQL API (apps/api createServer, in this process, on 127.0.0.1) with
 *   an API key of the biggest tenant, each scenario below is requested --requests times, one at a
 *   time, after --warmup unmeasured requests, with varied arguments (random cursors, ids,
 *   windows); p50/p95/p99/max are reported, plus how much of it was SQL time. A scenario still
 *   running after --max-seconds stops there (after at least 5 requests; n says how many). Every
 *   SQL statement the API sends is recorded (pg's Client.query is wrapped), and for the --explain
 *   slowest scenarios the slowest statement is re-run under EXPLAIN (ANALYZE, BUFFERS) inside a
 *   transaction with the API's role and tenant setting, so row-level security is in the plan.
 *
 * How it runs
 *   A throwaway database from HERALD_TEST_ADMIN_DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres), dropped at the end (also on error or Ctrl-C),
 *   unless --keep. --database NAME reuses a database a previous --keep run left (no seeding), to
 *   try an index or a query change against the same data. No Temporal: nothing is delivered.
 *
 * Usage
 *   npm run bench:queries -- --rows 1000000 [--tenants 20] [--apps 5] [--endpoints 2] [--days 35]
 *       [--requests 200] [--warmup 20] [--max-seconds 60] [--explain 4] [--chunk 50000] [--connections 2]
 *       [--out file.json] [--keep] [--database NAME] [--only name,name]
 *   cd test && npx tsc -p tsconfig.json && node dist/bench/queries.js --rows 100000
 *   Benchmarks measure; they assert nothing about timings. A failed request (e.g. the API's
 *   statement timeout, 30 s by default) is counted and timed, and the run then exits 1.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { loadApiConfig } from '@herald/config';
import { createServer, type HeraldServer } from '@herald/api';
import { openDatabase, type Database } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { SEED_COMMON_CHANNEL, seedMessages, seedRareChannel, type SeedApplication } from './seed';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const HOST = '127.0.0.1';
const OPERATOR_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const DAY_MS = 86_400_000;
/** ‰ of first attempts that fail: endpoint 0 healthy, endpoint 1 flaky, others in between. */
const FAIL_PERMILLE = [20, 250, 60];

interface Options {
  rows: number;
  tenants: number;
  apps: number;
  endpoints: number;
  days: number;
  requests: number;
  warmup: number;
  maxSeconds: number;
  explain: number;
  chunk: number;
  connections: number;
  out: string | null;
  keep: boolean;
  database: string | null;
  only: string[] | null;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      tenants: { type: 'string', default: '20' },
      apps: { type: 'string', default: '5' },
      endpoints: { type: 'string', default: '2' },
      days: { type: 'string', default: '35' },
      requests: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
      'max-seconds': { type: 'string', default: '60' },
      explain: { type: 'string', default: '4' },
      chunk: { type: 'string', default: '50000' },
      connections: { type: 'string', default: '2' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      database: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const endpoints = int('endpoints', values.endpoints, 1);
  if (endpoints > FAIL_PERMILLE.length) throw new Error(`--endpoints is at most 3`);
  return {
    rows: int('rows', values.rows, 1000),
    tenants: int('tenants', values.tenants, 1),
    apps: int('apps', values.apps, 1),
    endpoints,
    days: int('days', values.days, 1),
    requests: int('requests', values.requests, 1),
    warmup: int('warmup', values.warmup, 0),
    maxSeconds: int('max-seconds', values['max-seconds'], 1),
    explain: int('explain', values.explain, 0),
    chunk: int('chunk', values.chunk, 1000),
    connections: int('connections', values.connections, 1),
    // Relative to where the user ran npm, not the workspace folder npm switches to.
    out: values.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : null,
    keep: values.keep ?? false,
    database: values.database ?? null,
    only: values.only ? values.only.split(',') : null,
  };
}

const startedAt = Date.now();
const log = (msg: string) =>
  process.stdout.write(
    `[bench:queries +${((Date.now() - startedAt) / 1000).toFixed(0)}s] ${msg}\n`,
  );

// ---------------------------------------------------------------------------------------------
// SQL recording: every statement any pg client in this process sends, with its duration, is
// attributed to the request in flight (requests run one at a time).

interface SqlCall {
  text: string;
  values: unknown[] | undefined;
  ms: number;
}

let recording: SqlCall[] | null = null;

function recordSql(): void {
  const proto = pg.Client.prototype as unknown as {
    query: (...args: unknown[]) => unknown;
  };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const sink = recording;
    const result = original.apply(this, args);
    if (sink && result && typeof (result as Promise<unknown>).then === 'function') {
      const [config, params] = args as [string | { text: string; values?: unknown[] }, unknown[]];
      const text = typeof config === 'string' ? config : config?.text;
      const values = typeof config === 'string' ? params : (config?.values ?? params);
      const t0 = performance.now();
      const done = () => sink.push({ text, values, ms: performance.now() - t0 });
      (result as Promise<unknown>).then(done, done);
    }
    return result;
  };
}

// ---------------------------------------------------------------------------------------------
// Ids: the same ULID layout as @herald/domain, to turn a point in time into a cursor.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function idAt(prefix: string, ms: number): string {
  let time = '';
  for (let i = 9; i >= 0; i--) time += ALPHABET[Math.floor(ms / 2 ** (5 * i)) % 32];
  return `${prefix}_${time}${'0'.repeat(16)}`;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const r2 = (n: number) => Math.round(n * 100) / 100;

// ---------------------------------------------------------------------------------------------

const MESSAGE_LIST_SDK = `query($application: String!, $after: String, $eventTypes: [String!], $channel: String, $since: DateTimeISO, $until: DateTimeISO) {
  messages(application: $application, first: 50, after: $after, eventTypes: $eventTypes, channel: $channel, since: $since, until: $until) {
    nodes { id applicationId eventType eventId payload channels createdAt }
    pageInfo { endCursor hasNextPage }
  }
}`;
// The portal's Messages query (apps/portal/src/api.ts): no payload, but each message's deliveries.
const MESSAGE_LIST_PORTAL = `query($application: String!, $after: String) {
  messages(application: $application, first: 50, after: $after) {
    nodes { id eventType eventId channels createdAt deliveries { id status } }
    pageInfo { endCursor hasNextPage }
  }
}`;
const DELIVERY_FIELDS = `id messageId endpointId status attemptCount nextAttemptAt lastAttemptAt createdAt updatedAt`;
const ATTEMPT_FIELDS = `id deliveryId messageId endpointId status trigger httpStatus errorKind durationMs responseExcerpt requestHeaders attemptedAt`;
const MESSAGE_ONE = `query($id: ID!) {
  message(id: $id) { id applicationId eventType eventId payload channels createdAt deliveries { ${DELIVERY_FIELDS} } }
}`;
const ATTEMPTS = `query($messageId: ID, $endpointId: ID, $status: AttemptStatus, $after: String) {
  attempts(first: 50, messageId: $messageId, endpointId: $endpointId, status: $status, after: $after) {
    nodes { ${ATTEMPT_FIELDS} } pageInfo { endCursor hasNextPage }
  }
}`;
const DELIVERIES = `query($endpointId: ID, $status: DeliveryStatus, $after: String) {
  deliveries(first: 50, endpointId: $endpointId, status: $status, after: $after) {
    nodes { ${DELIVERY_FIELDS} } pageInfo { endCursor hasNextPage }
  }
}`;
const ENDPOINT_STATS = `query($id: ID!, $since: DateTimeISO) {
  endpoint(id: $id) { id url disabled stats(since: $since) { since succeeded failed pending exhausted } }
}`;

interface Scenario {
  name: string;
  query: string;
  vars: (i: number) => Record<string, unknown>;
}

interface Fixture {
  tenantId: string;
  apiKey: string;
  appUid: string;
  appId: string;
  healthyEndpoint: string;
  flakyEndpoint: string;
  /** Random message ids of the application, oldest to newest. */
  messageIds: string[];
  nowMs: number;
  days: number;
}

function scenarios(f: Fixture): Scenario[] {
  const pick = (i: number) => f.messageIds[(i * 7919) % f.messageIds.length];
  // A cursor somewhere in the application's history: deep pages.
  const deep = (i: number) => pick(i);
  const dayStart = (i: number) => f.nowMs - (1 + ((i * 37) % (f.days - 2))) * DAY_MS;
  const app = f.appUid;
  // Alternate between the application's two endpoints, healthy and flaky.
  const either = (i: number) => (i % 2 ? f.flakyEndpoint : f.healthyEndpoint);
  return [
    { name: 'messages first page', query: MESSAGE_LIST_SDK, vars: () => ({ application: app }) },
    {
      name: 'messages deep page (cursor)',
      query: MESSAGE_LIST_SDK,
      vars: (i) => ({ application: app, after: deep(i) }),
    },
    {
      name: 'messages portal page (with deliveries)',
      query: MESSAGE_LIST_PORTAL,
      vars: (i) => ({ application: app, after: i % 2 ? deep(i) : null }),
    },
    {
      name: 'messages eventTypes common',
      query: MESSAGE_LIST_SDK,
      vars: () => ({ application: app, eventTypes: ['invoice.paid'] }),
    },
    {
      name: 'messages eventTypes rare',
      query: MESSAGE_LIST_SDK,
      vars: () => ({ application: app, eventTypes: ['account.deleted'] }),
    },
    {
      name: 'messages eventTypes two, deep',
      query: MESSAGE_LIST_SDK,
      vars: (i) => ({
        application: app,
        eventTypes: ['dispute.opened', 'refund.issued'],
        after: deep(i),
      }),
    },
    {
      name: 'messages since last 24h',
      query: MESSAGE_LIST_SDK,
      vars: () => ({ application: app, since: new Date(f.nowMs - DAY_MS).toISOString() }),
    },
    {
      name: 'messages since/until past day',
      query: MESSAGE_LIST_SDK,
      vars: (i) => ({
        application: app,
        since: new Date(dayStart(i)).toISOString(),
        until: new Date(dayStart(i) + DAY_MS).toISOString(),
      }),
    },
    {
      name: 'messages channel common',
      query: MESSAGE_LIST_SDK,
      vars: () => ({ application: app, channel: SEED_COMMON_CHANNEL }),
    },
    {
      name: 'messages channel rare',
      query: MESSAGE_LIST_SDK,
      vars: (i) => ({ application: app, channel: seedRareChannel(i * 13) }),
    },
    {
      name: 'message(id) with deliveries',
      query: MESSAGE_ONE,
      vars: (i) => ({ id: pick(i) }),
    },
    {
      name: 'attempts(messageId)',
      query: ATTEMPTS,
      vars: (i) => ({ messageId: pick(i) }),
    },
    {
      name: 'attempts(endpointId) first page',
      query: ATTEMPTS,
      vars: (i) => ({ endpointId: either(i) }),
    },
    {
      name: 'attempts(endpointId) deep page',
      query: ATTEMPTS,
      vars: (i) => ({
        endpointId: f.healthyEndpoint,
        after: idAt('atm', Number(new Date(dayStart(i)))),
      }),
    },
    {
      name: 'attempts FAILED, healthy endpoint',
      query: ATTEMPTS,
      vars: () => ({ endpointId: f.healthyEndpoint, status: 'FAILED' }),
    },
    {
      name: 'attempts FAILED, flaky endpoint',
      query: ATTEMPTS,
      vars: () => ({ endpointId: f.flakyEndpoint, status: 'FAILED' }),
    },
    {
      name: 'deliveries(endpointId) first page',
      query: DELIVERIES,
      vars: (i) => ({ endpointId: either(i) }),
    },
    {
      name: 'deliveries EXHAUSTED, healthy endpoint',
      query: DELIVERIES,
      vars: () => ({ endpointId: f.healthyEndpoint, status: 'EXHAUSTED' }),
    },
    {
      name: 'endpoint stats (24h)',
      query: ENDPOINT_STATS,
      vars: (i) => ({ id: either(i) }),
    },
    {
      name: 'endpoint stats (7 days)',
      query: ENDPOINT_STATS,
      vars: (i) => ({
        id: either(i),
        since: new Date(f.nowMs - 7 * DAY_MS).toISOString(),
      }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------

class Gql {
  private readonly pool: Pool;
  constructor(
    origin: string,
    private token: string,
  ) {
    this.pool = new Pool(origin, { connections: 1, keepAliveTimeout: 60_000 });
  }
  as(token: string): this {
    this.token = token;
    return this;
  }
  async call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.pool.request({
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.body.json()) as { data: T; errors?: unknown[] };
    if (res.statusCode !== 200 || body.errors)
      throw new Error(`HTTP ${res.statusCode}: ${JSON.stringify(body.errors ?? body)}`);
    return body.data;
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}

async function provision(
  gql: Gql,
  opts: Options,
): Promise<{ apps: SeedApplication[]; tenants: { id: string; apiKey: string }[] }> {
  const apps: SeedApplication[] = [];
  const tenants: { id: string; apiKey: string }[] = [];
  for (let t = 0; t < opts.tenants; t++) {
    const { createTenant } = await gql.as(OPERATOR_TOKEN).call<{
      createTenant: { apiKey: string; tenant: { id: string } };
    }>(`mutation($name: String!) { createTenant(input: { name: $name, plan: enterprise }) { apiKey tenant { id } } }`, { name: `Bench tenant ${t}` });
    tenants.push({ id: createTenant.tenant.id, apiKey: createTenant.apiKey });
    gql.as(createTenant.apiKey);
    for (let a = 0; a < opts.apps; a++) {
      const { createApplication } = await gql.call<{ createApplication: { id: string } }>(
        `mutation($uid: String!) { createApplication(input: { name: $uid, uid: $uid }) { id } }`,
        { uid: `app-${a}` },
      );
      const endpointIds: string[] = [];
      for (let e = 0; e < opts.endpoints; e++) {
        const { createEndpoint } = await gql.call<{ createEndpoint: { id: string } }>(
          `mutation($a: String!, $u: String!) { createEndpoint(input: { application: $a, url: $u }) { id } }`,
          { a: createApplication.id, u: `http://127.0.0.1:9/t${t}/a${a}/e${e}` },
        );
        endpointIds.push(createEndpoint.id);
      }
      apps.push({
        tenantId: createTenant.tenant.id,
        applicationId: createApplication.id,
        endpointIds,
        weight: 1 / (t + 1) / (a + 1),
        failPermille: FAIL_PERMILLE.slice(0, opts.endpoints),
      });
    }
  }
  return { apps, tenants };
}

async function tableSizes(client: pg.Client) {
  const { rows } = await client.query<{
    table: string;
    rows: string;
    heap_mb: string;
    toast_mb: string;
    indexes: { name: string; mb: number }[];
    total_mb: string;
  }>(
    `SELECT c.relname AS table, c.reltuples::bigint AS rows,
            round(pg_relation_size(c.oid) / 1048576.0, 1) AS heap_mb,
            round(coalesce(pg_total_relation_size(c.reltoastrelid), 0) / 1048576.0, 1) AS toast_mb,
            (SELECT json_agg(json_build_object('name', i.relname,
                     'mb', round(pg_relation_size(i.oid) / 1048576.0, 1)) ORDER BY i.relname)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid) AS indexes,
            round(pg_total_relation_size(c.oid) / 1048576.0, 1) AS total_mb
       FROM pg_class c
      WHERE c.relname IN ('messages', 'deliveries', 'attempts') AND c.relkind = 'r'
      ORDER BY c.relname`,
  );
  return rows.map((r) => ({
    table: r.table,
    rows: Number(r.rows),
    heapMb: Number(r.heap_mb),
    toastMb: Number(r.toast_mb),
    totalMb: Number(r.total_mb),
    indexes: r.indexes,
  }));
}

async function fixtureFrom(client: pg.Client, opts: Options, apiKey: string): Promise<Fixture> {
  // The biggest tenant is the oldest (created first); its first application is its biggest.
  const {
    rows: [app],
  } = await client.query<{ tenant_id: string; id: string; uid: string }>(
    `SELECT a.tenant_id, a.id, a.uid FROM applications a JOIN tenants t ON t.id = a.tenant_id
      WHERE a.uid = 'app-0' ORDER BY t.id LIMIT 1`,
  );
  const { rows: eps } = await client.query<{ id: string }>(
    `SELECT id FROM endpoints WHERE application_id = $1 ORDER BY id`,
    [app.id],
  );
  const {
    rows: [span],
  } = await client.query<{ lo: Date; hi: Date }>(
    `SELECT min(created_at) AS lo, max(created_at) AS hi FROM messages`,
  );
  const lo = new Date(span.lo).getTime();
  const hi = new Date(span.hi).getTime();
  // 200 message ids at random points of the application's history (first id at or after each).
  const messageIds: string[] = [];
  for (let i = 0; i < 200; i++) {
    const at = lo + Math.random() * (hi - lo);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM messages WHERE tenant_id = $1 AND application_id = $2 AND id >= $3 ORDER BY id LIMIT 1`,
      [app.tenant_id, app.id, idAt('msg', at)],
    );
    if (rows[0]) messageIds.push(rows[0].id);
  }
  messageIds.sort();
  return {
    tenantId: app.tenant_id,
    apiKey,
    appUid: app.uid,
    appId: app.id,
    healthyEndpoint: eps[0].id,
    flakyEndpoint: eps[Math.min(1, eps.length - 1)].id,
    messageIds,
    nowMs: hi,
    days: Math.max(3, Math.round((hi - lo) / DAY_MS)),
  };
}

interface ScenarioResult {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  requests: number;
  errors: number;
  firstError: string | null;
  /** Sum of the request's statement times (they overlap when a resolver fans out). */
  sqlP50: number;
  statementsPerRequest: number;
  slowest: { vars: Record<string, unknown>; ms: number; sql: SqlCall[] };
}

async function measure(gql: Gql, s: Scenario, opts: Options): Promise<ScenarioResult> {
  // A slow scenario stops early (after --max-seconds, warm-up included) rather than take hours.
  const deadline = performance.now() + opts.maxSeconds * 1000;
  for (let i = 0; i < opts.warmup && performance.now() < deadline; i++)
    await gql.call(s.query, s.vars(i + 100_000)).catch(() => undefined);
  const latencies: number[] = [];
  const sqlTimes: number[] = [];
  let statements = 0;
  let errors = 0;
  let firstError: string | null = null;
  let slowest: ScenarioResult['slowest'] = { vars: {}, ms: -1, sql: [] };
  for (let i = 0; i < opts.requests && (i < 5 || performance.now() < deadline); i++) {
    const vars = s.vars(i);
    const calls: SqlCall[] = [];
    recording = calls;
    const t0 = performance.now();
    // A failed request (e.g. the API's statement timeout) counts, with the time it took.
    await gql.call(s.query, vars).catch((error: Error) => {
      errors++;
      firstError ??= error.message.slice(0, 300);
    });
    const ms = performance.now() - t0;
    recording = null;
    latencies.push(ms);
    sqlTimes.push(calls.reduce((sum, c) => sum + c.ms, 0));
    statements += calls.length;
    if (ms > slowest.ms) slowest = { vars, ms, sql: calls };
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const sqlSorted = [...sqlTimes].sort((a, b) => a - b);
  return {
    name: s.name,
    p50: r2(percentile(sorted, 50)),
    p95: r2(percentile(sorted, 95)),
    p99: r2(percentile(sorted, 99)),
    max: r2(sorted[sorted.length - 1]),
    mean: r2(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    sqlP50: r2(percentile(sqlSorted, 50)),
    requests: latencies.length,
    errors,
    firstError,
    statementsPerRequest: r2(statements / latencies.length),
    slowest,
  };
}

const BOOKKEEPING = /^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SELECT set_config|SET )/i;

/** EXPLAIN (ANALYZE, BUFFERS) of the slowest data statement of a request, as the API runs it. */
async function explain(client: pg.Client, tenantId: string, sql: SqlCall[]) {
  const target = sql.filter((c) => !BOOKKEEPING.test(c.text.trim())).sort((a, b) => b.ms - a.ms)[0];
  if (!target) return null;
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL statement_timeout = '180s'`);
    await client.query(
      `SELECT set_config('role', 'herald_app', true), set_config('herald.tenant_id', $1, true)`,
      [tenantId],
    );
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${target.text}`,
      target.values as unknown[],
    );
    return {
      sql: target.text,
      values: target.values,
      ms: r2(target.ms),
      plan: rows.map((r) => r['QUERY PLAN']),
    };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** The plan lines worth reading at a glance: nodes with their actual times, filters, totals. */
function summarize(plan: string[]): string[] {
  return plan.filter((line) =>
    /(Scan|Sort|Limit|Aggregate|Nested Loop|Join|Rows Removed|Buffers: shared|Execution Time|Planning Time|Index Cond|Filter:|Recheck)/.test(
      line,
    ),
  );
}

async function main(): Promise<number> {
  const opts = options();
  const adminUrl = process.env.HERALD_TEST_ADMIN_DATABASE_URL || DEFAULT_ADMIN_URL;
  let testDb: TestDatabase | null = null;
  let server: HeraldServer | null = null;
  let db: Database | null = null;
  let gql: Gql | null = null;
  let admin: pg.Client | null = null;
  let interrupted = false;
  const cleanup = async () => {
    await gql?.close().catch(() => undefined);
    await server?.stop().catch((e: Error) => log(`stopping the API: ${e.message}`));
    await db?.close().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    if (testDb && !opts.keep && !opts.database) {
      await testDb
        .drop()
        .then(() => log(`database ${testDb!.name} dropped`))
        .catch((e: Error) => log(`dropping ${testDb!.name}: ${e.message}`));
    } else if (testDb) log(`database ${testDb.name} kept (drop it with DROP DATABASE)`);
  };
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (opts.database) {
      const url = new URL(adminUrl);
      url.pathname = `/${opts.database}`;
      testDb = { name: opts.database, url: url.toString(), drop: async () => undefined };
    } else {
      testDb = await createTestDatabase(adminUrl, 'bench_queries');
      log(`database ${testDb.name} created`);
    }
    const config = loadApiConfig({
      DATABASE_URL: testDb.url,
      PORT: '0',
      HOST,
      HERALD_ENV: 'production',
      HERALD_LOG_LEVEL: 'warn',
      HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
      HERALD_ALLOW_HTTP: 'true',
      HERALD_SSRF_ALLOWLIST: '127.0.0.0/8',
      HERALD_RATE_LIMIT_PER_SECOND: '1000000',
      HERALD_RATE_LIMIT_BURST: '1000000',
    });
    recordSql();
    // On a kept database (--database) this applies any migration added since: timed, since
    // building indexes on big tables is part of what a change costs.
    const migrateStarted = Date.now();
    db = await openDatabase(config.database);
    const migrateSeconds = r2((Date.now() - migrateStarted) / 1000);
    log(`database opened, migrations applied in ${migrateSeconds} s`);
    server = await createServer({ config, db });
    const url = await server.listen();
    gql = new Gql(url, OPERATOR_TOKEN);
    admin = new pg.Client({ connectionString: testDb.url, application_name: 'herald-bench' });
    await admin.connect();

    let seed = null;
    let vacuumSeconds = null;
    let apiKey: string;
    if (!opts.database) {
      log(
        `provisioning ${opts.tenants} tenants × ${opts.apps} applications × ${opts.endpoints} endpoints`,
      );
      const { apps, tenants } = await provision(gql, opts);
      apiKey = tenants[0].apiKey;
      log(`seeding ${opts.rows} messages over ${opts.days} days…`);
      let lastLog = 0;
      const seedStarted = Date.now();
      const result = await seedMessages({
        databaseUrl: testDb.url,
        applications: apps,
        messages: opts.rows,
        days: opts.days,
        now: new Date(),
        chunk: opts.chunk,
        connections: opts.connections,
        onProgress: (done, total) => {
          if (Date.now() - lastLog < 15_000 && done < total) return;
          lastLog = Date.now();
          const s = (Date.now() - seedStarted) / 1000;
          log(`  ${done}/${total} messages, ${(done / s).toFixed(0)} messages/s`);
        },
      });
      const rows = result.messages + result.deliveries + result.attempts;
      seed = {
        ...result,
        seconds: r2(result.seconds),
        rowsPerSecond: Math.round(rows / result.seconds),
        messagesPerSecond: Math.round(result.messages / result.seconds),
      };
      log(
        `seeded ${result.messages} messages, ${result.deliveries} deliveries, ${result.attempts} attempts in ${result.seconds.toFixed(0)} s (${seed.rowsPerSecond} rows/s)`,
      );
      const v0 = Date.now();
      await admin.query('VACUUM (ANALYZE) messages, deliveries, attempts');
      vacuumSeconds = r2((Date.now() - v0) / 1000);
      log(`VACUUM ANALYZE in ${vacuumSeconds} s`);
    } else {
      // A database kept by an earlier --keep run, which left its API key behind.
      const { rows } = await admin.query<{ api_key: string }>(`SELECT api_key FROM bench_meta`);
      apiKey = rows[0].api_key;
    }
    if (opts.keep) {
      await admin.query(`CREATE TABLE IF NOT EXISTS bench_meta (api_key text NOT NULL)`);
      await admin.query(`TRUNCATE bench_meta; INSERT INTO bench_meta VALUES ('${apiKey}')`);
    }

    const sizes = await tableSizes(admin);
    for (const s of sizes)
      log(
        `  ${s.table}: ${s.rows} rows, heap ${s.heapMb} MB, toast ${s.toastMb} MB, total ${s.totalMb} MB; ${s.indexes.map((i) => `${i.name} ${i.mb}`).join(', ')}`,
      );
    const fixture = await fixtureFrom(admin, opts, apiKey);
    const {
      rows: [share],
    } = await admin.query<{ messages: string }>(
      `SELECT count(*) AS messages FROM messages WHERE tenant_id = $1 AND application_id = $2`,
      [fixture.tenantId, fixture.appId],
    );
    log(
      `measuring as tenant ${fixture.tenantId}, application ${fixture.appUid} (${share.messages} messages): ${opts.requests} requests per scenario after ${opts.warmup} warm-up`,
    );
    gql.as(fixture.apiKey);

    const results: ScenarioResult[] = [];
    for (const s of scenarios(fixture)) {
      if (opts.only && !opts.only.some((o) => s.name.includes(o))) continue;
      const r = await measure(gql, s, opts);
      results.push(r);
      log(
        `  ${s.name.padEnd(40)} p50 ${r.p50.toFixed(1).padStart(7)}  p95 ${r.p95.toFixed(1).padStart(7)}  p99 ${r.p99.toFixed(1).padStart(7)}  max ${r.max.toFixed(1).padStart(7)} ms  (n=${r.requests}${r.errors ? `, ${r.errors} FAILED` : ''}, SQL Σ p50 ${r.sqlP50.toFixed(1)} ms, ${r.statementsPerRequest} statements)`,
      );
    }

    const explained = [];
    for (const r of [...results].sort((a, b) => b.p99 - a.p99).slice(0, opts.explain)) {
      const plan = await explain(admin, fixture.tenantId, r.slowest.sql).catch((error: Error) => {
        log(`EXPLAIN of "${r.name}" failed: ${error.message}`);
        return null;
      });
      if (!plan) continue;
      explained.push({ scenario: r.name, p99: r.p99, ...plan });
      process.stdout.write(
        `\n— ${r.name} (p99 ${r.p99} ms; slowest statement ${plan.ms} ms)\n  ${plan.sql.replace(/\s+/g, ' ').slice(0, 400)}\n${summarize(plan.plan).join('\n')}\n`,
      );
    }

    const report = {
      rows: opts.rows,
      tenants: opts.tenants,
      applicationsPerTenant: opts.apps,
      endpointsPerApplication: opts.endpoints,
      days: opts.days,
      requests: opts.requests,
      warmup: opts.warmup,
      seed,
      vacuumSeconds,
      migrateSeconds,
      sizes,
      measuredApplicationMessages: Number(share.messages),
      results: results.map(({ slowest: _, ...r }) => r),
      explained,
      cpus: os.availableParallelism?.() ?? os.cpus().length,
      node: process.version,
      postgres: (await admin.query<{ v: string }>('SHOW server_version')).rows[0].v,
      timestamp: new Date().toISOString(),
    };
    if (opts.out) {
      writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
      log(`JSON written to ${opts.out}`);
    }
    await cleanup();
    return results.some((r) => r.errors > 0) ? 1 : 0;
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    await cleanup();
    return 1;
  }
}

main().then((code) => process.exit(code));
