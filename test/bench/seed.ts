/*
 * Bulk seeding for the benchmarks: finished messages with their deliveries and attempts, written
 * straight into PostgreSQL with INSERT … SELECT over generate_series, in chunks, so millions of
 * rows go in at close to COPY speed without a round trip per row.
 *
 * Every row is a pure function of its message number g (0 ≤ g < total): ids are real ULID-style
 * prefixed ids (`msg_<10 time chars><16 chars>`) whose time part is the row's created_at, so id
 * order is time order exactly as for ids made by the API; tenants, applications, event types and
 * channels follow fixed skewed distributions chosen by cheap integer hashes of g. Deliveries and
 * attempts are recomputed from g instead of being read back, so the three INSERTs of a chunk never
 * scan what was just written, and chunks can run on several connections at once.
 *
 * Nothing production has is switched off: indexes, foreign keys and row-level security stay in
 * place (the seeding connection is the database owner, as migrations are).
 */
import { Client as PgClient } from 'pg';

export interface SeedApplication {
  tenantId: string;
  applicationId: string;
  /** Endpoints of the application: each message gets one delivery per endpoint. */
  endpointIds: string[];
  /** Share of traffic relative to the other applications. */
  weight: number;
  /** Per endpoint, ‰ of deliveries whose first attempt fails (same order as endpointIds). */
  failPermille: number[];
}

export interface SeedOptions {
  databaseUrl: string;
  applications: SeedApplication[];
  messages: number;
  /** created_at spreads evenly over this many days up to `now`. */
  days: number;
  now: Date;
  /** Messages per INSERT. */
  chunk?: number;
  /** Connections seeding chunks in parallel. */
  connections?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  messages: number;
  deliveries: number;
  attempts: number;
  seconds: number;
}

/**
 * Event types with their share in ‰ (cumulative thresholds below): a few common ones and a long
 * tail, so an eventTypes filter can be very selective or not at all.
 */
export const SEED_EVENT_TYPES: [name: string, permille: number][] = [
  ['invoice.paid', 300],
  ['invoice.created', 200],
  ['customer.updated', 150],
  ['subscription.renewed', 100],
  ['payment.failed', 80],
  ['user.signup', 70],
  ['order.shipped', 50],
  ['refund.issued', 30],
  ['dispute.opened', 15],
  ['account.deleted', 5],
];

/**
 * Channels: 60 % of messages have none, 20 % `region_eu`, 20 % `customer_<0..999>` plus
 * `region_us` — a common channel and a thousand rare ones.
 */
export const SEED_COMMON_CHANNEL = 'region_eu';
export const seedRareChannel = (n: number) => `customer_${n % 1000}`;

/** Delay before each attempt, seconds (the default retry schedule's start). */
const ATTEMPT_OFFSETS_S = [0, 5, 300, 1800, 7200];
/** Newer messages than this are still PENDING, never attempted. */
const PENDING_WINDOW_MS = 5 * 60_000;
/** Buckets the hash of g is mapped to; each bucket belongs to one application. */
const BUCKETS = 10_000;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** SQL for a ULID body: 10 Crockford base32 chars of `ms`, '000', 13 chars of `r` (≥ 0). */
function ulidSql(ms: string, r: string): string {
  const chars = (expr: string, count: number) =>
    Array.from(
      { length: count },
      (_, i) => `substr('${ALPHABET}', (((${expr}) >> ${5 * (count - 1 - i)}) & 31)::int + 1, 1)`,
    ).join(' || ');
  return `${chars(ms, 10)} || '000' || ${chars(r, 13)}`;
}

const HELPERS = `
  DROP TABLE IF EXISTS bench_seed_buckets;
  CREATE UNLOGGED TABLE bench_seed_buckets (
    bucket int PRIMARY KEY,
    tenant_id text NOT NULL,
    application_id text NOT NULL,
    endpoint_ids text[] NOT NULL,
    fail_permille int[] NOT NULL
  );
  CREATE OR REPLACE FUNCTION bench_ulid(prefix text, ms bigint, r bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT prefix || '_' || ${ulidSql('ms', 'r')} $$;
`;

const DROP_HELPERS = `DROP TABLE IF EXISTS bench_seed_buckets; DROP FUNCTION IF EXISTS bench_ulid(text, bigint, bigint);`;

/*
 * A chunk is staged in two temporary tables (no WAL, dropped at commit) so each id is computed
 * once: seed_m, one row per message of [$1, $2) out of $3 spread over [$4, $4 + $5) ms (h and h2
 * are multiplicative hashes of g, Knuth's and murmur's constants, for independent choices), and
 * seed_d, one row per delivery (message × endpoint of its application) with its fate: the ‰ v is
 * compared with the endpoint's failure rate — v ≥ fail: one successful attempt; v < fail / 8:
 * EXHAUSTED after 5 failures; otherwise 1–3 failures, then a success. Messages of the last
 * minutes ($6 is now) are still PENDING, never attempted.
 */
const STAGE_MESSAGES = `
  CREATE TEMP TABLE seed_m ON COMMIT DROP AS
  SELECT s.g, s.ms, s.h, s.h2, b.tenant_id, b.application_id, b.endpoint_ids, b.fail_permille,
         bench_ulid('msg', s.ms, s.g * 16) AS id
    FROM (SELECT g, $4::bigint + (g * $5::bigint) / $3::bigint AS ms,
                 (g * 2654435761) % 4294967296 AS h,
                 (g * 2246822519) % 4294967296 AS h2
            FROM generate_series($1::bigint, $2::bigint - 1) AS g) s
    JOIN bench_seed_buckets b ON b.bucket = ((s.h >> 8) % ${BUCKETS})::int`;

/** Cumulative ‰ thresholds as a searched CASE over a ‰ drawn from h2. */
function eventTypeSql(h2: string): string {
  let upper = 0;
  const arms = SEED_EVENT_TYPES.map(([name, permille]) => {
    upper += permille;
    return `WHEN ((${h2}) >> 10) % 1000 < ${upper} THEN '${name}'`;
  });
  return `CASE ${arms.join(' ')} ELSE '${SEED_EVENT_TYPES[0][0]}' END`;
}

// JSON is built as text and cast once: several times cheaper than nested jsonb_build_object.
// Channels also go to message_channels, as the publish statement writes them.
const INSERT_MESSAGES = `
  WITH ins AS (
  INSERT INTO messages (id, tenant_id, application_id, event_type, event_id, payload, channels, created_at)
  SELECT m.id, m.tenant_id, m.application_id, m.event_type,
         CASE WHEN m.h % 10 = 0 THEN 'evt_' || m.g END,
         ('{"type":"' || m.event_type || '","id":"evt_' || m.g || '","createdAt":' || m.ms
           || ',"data":{"object":"invoice","invoiceId":"in_' || lpad(m.g::text, 10, '0')
           || '","customer":"cus_' || ((m.h >> 12) % 1000) || '","amount":' || (100 + m.h % 100000)
           || ',"currency":"' || CASE WHEN m.h % 3 = 0 THEN 'USD' ELSE 'EUR' END
           || '","status":"paid","lines":[{"sku":"plan-pro","qty":' || (1 + m.h % 5)
           || ',"unitAmount":4900,"description":"Pro plan, monthly subscription"}]'
           || ',"metadata":{"orderRef":"ord_' || (m.h % 1000000)
           || '","source":"checkout","note":"Thank you for your business"}}}')::jsonb,
         CASE WHEN (m.h2 >> 20) % 100 < 60 THEN NULL
              WHEN (m.h2 >> 20) % 100 < 80 THEN ARRAY['${SEED_COMMON_CHANNEL}']
              ELSE ARRAY['customer_' || ((m.h >> 12) % 1000), 'region_us'] END,
         to_timestamp(m.ms / 1000.0)
    FROM (SELECT r.*, ${eventTypeSql('r.h2')} AS event_type FROM seed_m r) m
  RETURNING id, tenant_id, application_id, channels
  )
  INSERT INTO message_channels (tenant_id, application_id, channel, message_id)
  SELECT DISTINCT ins.tenant_id, ins.application_id, c.channel, ins.id
    FROM ins, unnest(ins.channels) AS c(channel)`;

const STAGE_DELIVERIES = `
  CREATE TEMP TABLE seed_d ON COMMIT DROP AS
  SELECT x.*,
         CASE WHEN x.pending THEN 'PENDING'
              WHEN x.v >= x.fail THEN 'SUCCEEDED'
              WHEN x.v < x.fail / 8 THEN 'EXHAUSTED'
              ELSE 'SUCCEEDED' END AS status,
         CASE WHEN x.pending THEN 0
              WHEN x.v >= x.fail THEN 1
              WHEN x.v < x.fail / 8 THEN 5
              ELSE 2 + x.v % 3 END AS attempt_count
    FROM (SELECT m.g, m.ms, m.id AS message_id, m.tenant_id, m.application_id, e.endpoint_id, e.k,
                 e.fail, m.ms > $1::bigint - ${PENDING_WINDOW_MS} AS pending,
                 ((((m.g * 4 + e.k) * 2654435761) % 4294967296) >> 10) % 1000 AS v,
                 bench_ulid('dlv', m.ms, m.g * 16 + e.k) AS id
            FROM seed_m m
            CROSS JOIN LATERAL unnest(m.endpoint_ids, m.fail_permille)
              WITH ORDINALITY AS e(endpoint_id, fail, k)) x`;

const OFFSETS = `(ARRAY[${ATTEMPT_OFFSETS_S.join(', ')}]::bigint[])`;

const INSERT_DELIVERIES = `
  INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status,
                          attempt_count, next_attempt_at, last_attempt_at, created_at, updated_at)
  SELECT d.id, d.tenant_id, d.application_id, d.message_id, d.endpoint_id, d.status,
         d.attempt_count,
         CASE WHEN d.pending THEN to_timestamp(d.ms / 1000.0) END,
         CASE WHEN NOT d.pending THEN to_timestamp((d.ms + ${OFFSETS}[d.attempt_count] * 1000) / 1000.0) END,
         to_timestamp(d.ms / 1000.0),
         to_timestamp((d.ms + CASE WHEN d.pending THEN 0 ELSE ${OFFSETS}[d.attempt_count] * 1000 END) / 1000.0)
    FROM seed_d d`;

const INSERT_ATTEMPTS = `
  INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger,
                        http_status, error_kind, duration_ms, response_excerpt, request_headers,
                        attempted_at)
  SELECT bench_ulid('atm', t.at_ms, (t.g * 16 + t.k) * 8 + t.a), t.tenant_id, t.id, t.message_id,
         t.endpoint_id, CASE WHEN t.ok THEN 'SUCCEEDED' ELSE 'FAILED' END, 'SCHEDULED',
         CASE WHEN t.ok THEN 200 WHEN (t.v + t.a) % 3 = 0 THEN NULL WHEN (t.v + t.a) % 3 = 1 THEN 503 ELSE 500 END,
         CASE WHEN NOT t.ok AND (t.v + t.a) % 3 = 0 THEN 'timeout' END,
         CASE WHEN NOT t.ok AND (t.v + t.a) % 3 = 0 THEN 15000 ELSE 20 + (t.v * 7 + t.a) % 600 END,
         CASE WHEN t.ok THEN '{"received":true}'
              WHEN (t.v + t.a) % 3 = 0 THEN NULL
              ELSE '<html><body><h1>Service Unavailable</h1>upstream connect error</body></html>' END,
         ('{"content-type":"application/json","user-agent":"Herald-Webhooks/1.0","webhook-id":"'
           || t.message_id || '","webhook-timestamp":"' || (t.at_ms / 1000)
           || '","webhook-signature":"[redacted]"}')::jsonb,
         to_timestamp(t.at_ms / 1000.0)
    FROM (SELECT d.*, a.a,
                 d.ms + ${OFFSETS}[a.a] * 1000 + (d.v * 13 + a.a) % 900 AS at_ms,
                 a.a = d.attempt_count AND d.status = 'SUCCEEDED' AS ok
            FROM seed_d d
            CROSS JOIN LATERAL generate_series(1, d.attempt_count) AS a(a)) t`;

/** Assigns the hash buckets to applications in proportion to their weights (each gets ≥ 1). */
function bucketRows(apps: SeedApplication[]): SeedApplication[] {
  const total = apps.reduce((sum, a) => sum + a.weight, 0);
  const counts = apps.map((a) => Math.max(1, Math.floor((a.weight / total) * BUCKETS)));
  // Rounding: take the excess from (or give the rest to) the biggest application.
  counts[0] -= counts.reduce((s, c) => s + c, 0) - BUCKETS;
  if (counts[0] < 1) throw new Error('too many applications for the bucket table');
  const rows: SeedApplication[] = [];
  apps.forEach((a, i) => {
    for (let j = 0; j < counts[i]; j++) rows.push(a);
  });
  return rows;
}

async function connect(url: string): Promise<PgClient> {
  const client = new PgClient({ connectionString: url, application_name: 'herald-bench-seed' });
  await client.connect();
  return client;
}

export async function seedMessages(options: SeedOptions): Promise<SeedResult> {
  const chunk = options.chunk ?? 50_000;
  const connections = options.connections ?? 2;
  const started = Date.now();
  const nowMs = options.now.getTime();
  const spanMs = options.days * 86_400_000;
  const t0 = nowMs - spanMs;

  const setup = await connect(options.databaseUrl);
  try {
    await setup.query(HELPERS);
    const rows = bucketRows(options.applications);
    // Shuffle-free: bucket b → rows[b]; the hash spreads g over buckets uniformly.
    await setup.query(
      `INSERT INTO bench_seed_buckets (bucket, tenant_id, application_id, endpoint_ids, fail_permille)
       SELECT r.ord - 1, r.x->>'tenant_id', r.x->>'application_id',
              ARRAY(SELECT jsonb_array_elements_text(r.x->'endpoint_ids')),
              ARRAY(SELECT jsonb_array_elements_text(r.x->'fail_permille')::int)
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(x, ord)`,
      [
        JSON.stringify(
          rows.map((a) => ({
            tenant_id: a.tenantId,
            application_id: a.applicationId,
            endpoint_ids: a.endpointIds,
            fail_permille: a.failPermille,
          })),
        ),
      ],
    );
    await setup.query('ANALYZE bench_seed_buckets');

    let next = 0;
    let done = 0;
    const worker = async () => {
      const client = await connect(options.databaseUrl);
      try {
        // A handful of big transactions: waiting for each WAL flush buys nothing here.
        await client.query('SET synchronous_commit = off');
        while (next < options.messages) {
          const lo = next;
          const hi = Math.min(options.messages, lo + chunk);
          next = hi;
          await client.query('BEGIN');
          await client.query(STAGE_MESSAGES, [lo, hi, options.messages, t0, spanMs]);
          await client.query(INSERT_MESSAGES);
          await client.query(STAGE_DELIVERIES, [nowMs]);
          await client.query(INSERT_DELIVERIES);
          await client.query(INSERT_ATTEMPTS);
          await client.query('COMMIT');
          done += hi - lo;
          options.onProgress?.(done, options.messages);
        }
      } finally {
        await client.end();
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));

    const {
      rows: [counts],
    } = await setup.query<{ messages: string; deliveries: string; attempts: string }>(
      `SELECT (SELECT count(*) FROM messages) AS messages,
              (SELECT count(*) FROM deliveries) AS deliveries,
              (SELECT count(*) FROM attempts) AS attempts`,
    );
    await setup.query(DROP_HELPERS);
    return {
      messages: Number(counts.messages),
      deliveries: Number(counts.deliveries),
      attempts: Number(counts.attempts),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await setup.end();
  }
}
