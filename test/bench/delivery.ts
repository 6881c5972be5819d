/*
 * End-to-end delivery benchmark
 * =============================
 *
 * What it measures
 *   The whole product on this machine: the API (child process) stores messages and wakes lanes,
 *   workers (child processes) run the lane workflows on a Temporal dev server and POST to
 *   loopback receivers in this process, which verify every Standard Webhooks signature.
 *
 *   Phase "throughput"  --messages messages published with sendMessages (500 a call) as fast as
 *                       the API takes them, to --endpoints endpoints: deliveriesPerSecond is
 *                       (messages × endpoints) / (last receipt − first publish).
 *   Phase "latency"     single sendMessage calls at --rate messages/s for --latency-seconds;
 *                       publish→receive latency p50/p90/p99 over every receipt.
 *   Also: peak worker RSS (VmHWM), lost (expected receipts never seen) and duplicates (receipts
 *   beyond the first of a webhook-id at an endpoint). --seed-messages N first stores N finished
 *   messages (with a SUCCEEDED delivery each) straight into PostgreSQL, to see whether
 *   throughput holds as the tables grow.
 *
 * How it runs
 *   Temporal: HERALD_TEST_TEMPORAL_ADDRESS (set by `npm run bench` through with-stack), else a dev
 *   server started here. PostgreSQL: a throwaway database from HERALD_TEST_ADMIN_DATABASE_URL
 *   (default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end. All traffic is on
 *   127.0.0.1. Everything started is stopped by pid, also on error or Ctrl-C.
 *
 * Usage
 *   npm run bench -- --messages 20000 --endpoints 4 --out bench.json [--workers 1] [--rate 200]
 *                    [--latency-seconds 15] [--seed-messages 0]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { Pool } from 'undici';
import { createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { verify } from '@herald/signing';

const HOST = '127.0.0.1';
const OPERATOR_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
// Compiled to test/dist/bench/, three levels below the repository root.
const root = path.resolve(__dirname, '..', '..', '..');

interface Options {
  messages: number;
  endpoints: number;
  workers: number;
  rate: number;
  latencySeconds: number;
  seedMessages: number;
  out: string | null;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '20000' },
      endpoints: { type: 'string', default: '4' },
      workers: { type: 'string', default: '1' },
      rate: { type: 'string', default: '200' },
      'latency-seconds': { type: 'string', default: '15' },
      'seed-messages': { type: 'string', default: '0' },
      out: { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  return {
    messages: int('messages', values.messages, 1),
    endpoints: int('endpoints', values.endpoints, 1),
    workers: int('workers', values.workers, 1),
    rate: int('rate', values.rate, 1),
    latencySeconds: int('latency-seconds', values['latency-seconds'], 0),
    seedMessages: int('seed-messages', values['seed-messages'], 0),
    out: values.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : null,
  };
}

const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Receivers: verify, record first receipt per message id, count duplicates.

interface Receipts {
  first: Map<string, number>;
  total: number;
  badSignatures: number;
}

async function startReceiver(
  receipts: Receipts,
  secret: () => string,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        verify(body, req.headers as Record<string, string>, secret());
      } catch {
        receipts.badSignatures++;
      }
      const id = String(req.headers['webhook-id']);
      receipts.total++;
      if (!receipts.first.has(id)) receipts.first.set(id, now);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return { server, url: `http://${HOST}:${(server.address() as AddressInfo).port}/hook` };
}

// ---------------------------------------------------------------------------------------------
// Child processes

const children = new Set<ChildProcess>();

function startChild(
  name: string,
  entry: string,
  env: Record<string, string>,
  flags: string[] = [],
): ChildProcess {
  // HERALD_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the children.
  const nodeArgs = (process.env.HERALD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...nodeArgs, path.join(root, entry)], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(chunk);
    if (tail.length > 50) tail.shift();
  });
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping)
      log(`${name} exited unexpectedly (${signal ?? code}); last output:\n${tail.join('')}`);
  });
  return child;
}

let stopping = false;
async function stopChildren(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => (clearTimeout(timer), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(field));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const opts = options();
  const adminUrl =
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const cleanups: (() => Promise<void>)[] = [];
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  async function cleanup() {
    await stopChildren();
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  }

  try {
    let temporalAddress = process.env.HERALD_TEST_TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const infra = (await import(path.join(root, 'infra/dev/temporal.mjs'))) as {
        ensureTemporal(o: object): Promise<{ address: string; stop(): Promise<void> }>;
      };
      const temporal = await infra.ensureTemporal({
        dbFile: null,
        headless: true,
        env: { ...process.env, TEMPORAL_ADDRESS: '' },
      });
      cleanups.push(() => temporal.stop());
      temporalAddress = temporal.address;
    }
    const db: TestDatabase = await createTestDatabase(adminUrl, 'bench_delivery');
    cleanups.push(() => db.drop());
    const taskQueue = `herald-bench-${randomBytes(4).toString('hex')}`;
    const common = {
      DATABASE_URL: db.url,
      HERALD_ENV: 'production',
      HERALD_LOG_LEVEL: 'warn',
      HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HERALD_ALLOW_HTTP: 'true',
      HERALD_SSRF_ALLOWLIST: '127.0.0.0/8',
      TEMPORAL_ADDRESS: temporalAddress,
      HERALD_TASK_QUEUE: taskQueue,
      NODE_ENV: 'production',
    };
    const port = await freePort();
    const api = startChild('api', 'apps/api/dist/main.js', {
      ...common,
      PORT: String(port),
      HOST,
      HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
      HERALD_RATE_LIMIT_PER_SECOND: '1000000',
      HERALD_RATE_LIMIT_BURST: '1000000',
    });
    const base = `http://${HOST}:${port}`;
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error('API did not become ready');
      const ok = await fetch(`${base}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Workers run with the flags `npm start` gives them.
    const { WORKER_NODE_FLAGS } = (await import(path.join(root, 'infra/dev/node-flags.mjs'))) as {
      WORKER_NODE_FLAGS: string[];
    };
    const workers = Array.from({ length: opts.workers }, (_, i) =>
      startChild(`worker ${i + 1}`, 'apps/worker/dist/main.js', common, WORKER_NODE_FLAGS),
    );

    const pool = new Pool(base, { connections: 16 });
    cleanups.push(() => pool.close());
    const gql = async <T>(
      query: string,
      variables: Record<string, unknown>,
      token: string,
    ): Promise<T> => {
      const res = await pool.request({
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.body.json()) as { data: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };

    const tenant = await gql<{ createTenant: { apiKey: string } }>(
      `mutation { createTenant(input: { name: "Bench", plan: pro }) { apiKey } }`,
      {},
      OPERATOR_TOKEN,
    );
    const key = tenant.createTenant.apiKey;
    const app = (
      await gql<{ createApplication: { id: string } }>(
        `mutation { createApplication(input: { name: "Bench", uid: "bench" }) { id } }`,
        {},
        key,
      )
    ).createApplication.id;
    const receipts: Receipts[] = [];
    const servers: Server[] = [];
    for (let i = 0; i < opts.endpoints; i++) {
      const r: Receipts = { first: new Map(), total: 0, badSignatures: 0 };
      let secret = '';
      const { server, url } = await startReceiver(r, () => secret);
      servers.push(server);
      cleanups.push(
        () =>
          new Promise<void>(
            (resolve) => (server.closeAllConnections(), server.close(() => resolve())),
          ),
      );
      const ep = (
        await gql<{ createEndpoint: { id: string } }>(
          `mutation($a: String!, $u: String!) { createEndpoint(input: { application: $a, url: $u }) { id } }`,
          { a: app, u: url },
          key,
        )
      ).createEndpoint.id;
      secret = (
        await gql<{ endpointSecret: { key: string } }>(
          `query($id: ID!) { endpointSecret(id: $id) { key } }`,
          { id: ep },
          key,
        )
      ).endpointSecret.key;
      receipts.push(r);
    }

    if (opts.seedMessages > 0) {
      log(`seeding ${opts.seedMessages} finished messages…`);
      const started = Date.now();
      const pg = new PgClient({ connectionString: db.url });
      await pg.connect();
      const [{ tenant_id, endpoint_id }] = (
        await pg.query(
          `SELECT tenant_id, id AS endpoint_id FROM endpoints WHERE application_id = $1 LIMIT 1`,
          [app],
        )
      ).rows;
      for (let done = 0; done < opts.seedMessages; done += 100_000) {
        const n = Math.min(100_000, opts.seedMessages - done);
        await pg.query(
          `WITH m AS (
             INSERT INTO messages (id, tenant_id, application_id, event_type, payload, created_at)
             SELECT 'msg_00SEED' || lpad((g + $4)::text, 20, '0'), $1, $2, 'seed.event', '{"seed": true, "amount": 1}'::jsonb, now() - interval '1 day'
               FROM generate_series(1, $3) g RETURNING id
           )
           INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status, attempt_count, created_at)
           SELECT 'dlv_00SEED' || substr(id, 11), $1, $2, id, $5, 'SUCCEEDED', 1, now() - interval '1 day' FROM m`,
          [tenant_id, app, n, done, endpoint_id],
        );
      }
      await pg.query('ANALYZE messages; ANALYZE deliveries');
      await pg.end();
      log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const rssPeak = new Map<number, number>();
    const sampler = setInterval(() => {
      for (const w of workers)
        if (w.pid) rssPeak.set(w.pid, Math.max(rssPeak.get(w.pid) ?? 0, rssMb(w.pid, 'VmRSS')));
    }, 500);
    cleanups.push(async () => clearInterval(sampler));

    const payload = (i: number) => ({
      type: 'invoice.paid',
      data: {
        invoiceId: `inv_${i}`,
        customer: `cus_${i % 977}`,
        amount: 1000 + (i % 5000),
        currency: 'EUR',
        lines: [{ sku: 'plan-pro', qty: 1 }],
      },
    });
    const publishedAt = new Map<string, number>();

    // Throughput phase
    log(
      `throughput: ${opts.messages} messages × ${opts.endpoints} endpoints, ${opts.workers} worker(s)`,
    );
    const firstPublish = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < opts.messages) {
          const start = next;
          const count = Math.min(500, opts.messages - start);
          next += count;
          const sentAt = Date.now();
          const messages = Array.from({ length: count }, (_, j) => ({
            application: app,
            eventType: 'invoice.paid',
            payload: payload(start + j),
          }));
          const result = await gql<{ sendMessages: { results: { message: { id: string } }[] } }>(
            `mutation($m: [SendMessageInput!]!) { sendMessages(input: { messages: $m }) { results { message { id } } } }`,
            { m: messages },
            key,
          );
          for (const r of result.sendMessages.results) publishedAt.set(r.message.id, sentAt);
        }
      }),
    );
    const publishDone = Date.now();
    const throughputIds = [...publishedAt.keys()];
    const expected = throughputIds.length * opts.endpoints;
    const received = () =>
      receipts.reduce((sum, r) => sum + throughputIds.filter((id) => r.first.has(id)).length, 0);
    const deadline = Date.now() + Math.max(120_000, opts.messages * opts.endpoints * 2);
    let lastLog = 0;
    let got = 0;
    while (Date.now() < deadline) {
      got = receipts.reduce((sum, r) => sum + r.first.size, 0);
      if (got >= expected) break;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`  ${got}/${expected} delivered`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const lastReceipt = Math.max(...receipts.flatMap((r) => [...r.first.values()]));
    const throughputDelivered = received();
    const deliveriesPerSecond = throughputDelivered / ((lastReceipt - firstPublish) / 1000);
    const publishPerSecond = throughputIds.length / ((publishDone - firstPublish) / 1000);
    log(
      `  ${throughputDelivered}/${expected} in ${((lastReceipt - firstPublish) / 1000).toFixed(1)} s → ${deliveriesPerSecond.toFixed(0)} deliveries/s (published at ${publishPerSecond.toFixed(0)} msg/s)`,
    );

    // Latency phase: a steady rate of single sends.
    const latencyIds: string[] = [];
    const sendLatencies: number[] = [];
    if (opts.latencySeconds > 0) {
      log(`latency: ${opts.rate} messages/s for ${opts.latencySeconds} s`);
      const total = opts.rate * opts.latencySeconds;
      const begin = Date.now();
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = begin + (i * 1000) / opts.rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(
          (async () => {
            const sentAt = Date.now();
            const r = await gql<{ sendMessage: { message: { id: string } } }>(
              `mutation($i: SendMessageInput!) { sendMessage(input: $i) { message { id } } }`,
              { i: { application: app, eventType: 'invoice.paid', payload: payload(i) } },
              key,
            );
            publishedAt.set(r.sendMessage.message.id, sentAt);
            latencyIds.push(r.sendMessage.message.id);
            sendLatencies.push(Date.now() - sentAt);
          })(),
        );
      }
      await Promise.all(inflight);
      const until = Date.now() + 60_000;
      while (
        Date.now() < until &&
        !receipts.every((r) => latencyIds.every((id) => r.first.has(id)))
      ) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const latencies = receipts
      .flatMap((r) =>
        latencyIds
          .filter((id) => r.first.has(id))
          .map((id) => r.first.get(id)! - publishedAt.get(id)!),
      )
      .sort((a, b) => a - b);

    const allIds = [...publishedAt.keys()];
    const lost = receipts.reduce(
      (sum, r) => sum + allIds.filter((id) => !r.first.has(id)).length,
      0,
    );
    const duplicates = receipts.reduce((sum, r) => sum + r.total - r.first.size, 0);
    const result = {
      deliveriesPerSecond: Math.round(deliveriesPerSecond),
      latencyMs: {
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
      },
      workerRssMb: Math.round(
        Math.max(
          0,
          ...workers.map((w) =>
            w.pid ? Math.max(rssMb(w.pid, 'VmHWM'), rssPeak.get(w.pid) ?? 0) : 0,
          ),
        ),
      ),
      /** How long sendMessage itself took during the latency phase (part of latencyMs). */
      sendMessageMs: (() => {
        const sorted = [...sendLatencies].sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      })(),
      lost,
      duplicates,
      badSignatures: receipts.reduce((sum, r) => sum + r.badSignatures, 0),
      messages: opts.messages,
      endpoints: opts.endpoints,
      workers: opts.workers,
      publishPerSecond: Math.round(publishPerSecond),
      latencyRate: opts.rate,
      latencySamples: latencies.length,
      seedMessages: opts.seedMessages,
      apiRssMb: api.pid ? Math.round(rssMb(api.pid, 'VmHWM')) : null,
      cpus: os.cpus().length,
      node: process.version,
      timestamp: new Date().toISOString(),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (opts.out) writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
    await cleanup();
    process.exit(lost > 0 ? 1 : 0);
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    await cleanup();
    process.exit(1);
  }
}

void main();
