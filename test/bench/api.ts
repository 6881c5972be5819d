/*
 * API ingest benchmark
 * ====================
 *
 * What it measures
 *   How fast the real GraphQL API (apps/api, built output) accepts messages, end to end through
 *   HTTP, GraphQL, auth, validation, idempotency and the PostgreSQL transaction that stores each
 *   message with its deliveries. Nothing is delivered: the two endpoints point at
 *   http://127.0.0.1:9/ and exist only so every message fans out to 2 delivery rows, as in real use.
 *
 *   Phase "send"   --connections concurrent `sendMessage` calls (one message each) kept in flight
 *                  on a keep-alive undici Pool; reports sendPerSecond and p50/p90/p99 latency.
 *   Phase "batch"  --batch-concurrency concurrent `sendMessages` calls of --batch-size messages;
 *                  reports batchIngestPerSecond (messages accepted per second) and p50/p99 latency.
 *
 *   Each phase runs --warmup seconds unmeasured, then --duration seconds measured. Throughput is
 *   the number of successful calls that *complete* inside the measured window divided by its
 *   length; latencies are those of the same calls. Any non-200 answer, GraphQL error, transport
 *   error or unexpected result (duplicate, wrong counts) counts as an error; errors should be 0.
 *   Also reported: CPU of the API process and of the load generator over each measured window
 *   (% of one core, from /proc and process.cpuUsage), the API's RSS at the end (VmRSS) and peak
 *   (VmHWM), and the message/delivery rows stored (a check that each message got 2 deliveries).
 *
 * How it runs
 *   A throwaway database is created from HERALD_TEST_ADMIN_DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres) and the API is started as a child process
 *   (`node apps/api/dist/main.js`, HERALD_ENV=production, rate limits lifted) on a free port on
 *   127.0.0.1, so the load generator and the server do not share an event loop; TEMPORAL_* is not
 *   passed on, so the API only stores messages and deliveries and dispatches nothing. The child is
 *   stopped (SIGTERM, then SIGKILL after 15 s) and the database dropped at the end, also on error
 *   or Ctrl-C. All traffic goes to 127.0.0.1. Note the load generator, the API and PostgreSQL share
 *   the machine's CPUs (`cpus` in the output), so numbers are relative, not capacity figures.
 *
 * Usage
 *   npm run bench:api -- --out FILE [--duration 15] [--connections 32] [--batch-size 500]
 *                        [--batch-concurrency 4] [--warmup 3]        (from the repo root)
 *   cd test && npm run build && npm run bench:api -- --out /tmp/bench-api.json
 *
 *   The API must be built first (`npx turbo run build --filter=@herald/api`; the root script does
 *   it through infra/scripts/with-stack.mjs). A relative --out is resolved against the directory
 *   npm was started from. Output: a summary table on stdout and JSON in --out with sendPerSecond,
 *   sendP50Ms, sendP90Ms, sendP99Ms, sendErrors, batchIngestPerSecond, batchP50Ms, batchP99Ms,
 *   batchSize, connections, durationSec, apiRssMb, cpus, node, timestamp and a few extras.
 *   Exit status: 0 on a clean run, 1 if any request failed (the JSON is still written), 2 on bad
 *   usage, 130 when interrupted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { Pool } from 'undici';
import { loadApiConfig } from '@herald/config';
import { createTestDatabase, type TestDatabase } from '@herald/db/testing';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;
const CHILD_STOP_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 60_000;
const EVENT_TYPE = 'invoice.paid';
const ENDPOINTS_PER_APP = 2;

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  out: string;
  durationSec: number;
  warmupSec: number;
  connections: number;
  batchSize: number;
  batchConcurrency: number;
}

class UsageError extends Error {}

const USAGE = `usage: npm run bench:api -- --out FILE [--duration 15] [--connections 32] [--batch-size 500]
                            [--batch-concurrency 4] [--warmup 3]`;

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        duration: { type: 'string', default: '15' },
        warmup: { type: 'string', default: '3' },
        connections: { type: 'string', default: '32' },
        'batch-size': { type: 'string', default: '500' },
        'batch-concurrency': { type: 'string', default: '4' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values.out) throw new UsageError('--out FILE is required');
  const num = (
    name: string,
    raw: string,
    { min, max, integer }: { min: number; max: number; integer: boolean },
  ) => {
    const value = Number(raw);
    if (
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new UsageError(
        `--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${raw}"`,
      );
    }
    return value;
  };
  return {
    // Relative to where the user ran npm, not the workspace folder npm switches to.
    out: path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
    durationSec: num('duration', values.duration, {
      min: 1,
      max: 3600,
      integer: false,
    }),
    warmupSec: num('warmup', values.warmup, {
      min: 0,
      max: 600,
      integer: false,
    }),
    connections: num('connections', values.connections, {
      min: 1,
      max: 1024,
      integer: true,
    }),
    batchSize: num('batch-size', values['batch-size'], {
      min: 1,
      max: 1000,
      integer: true,
    }),
    batchConcurrency: num('batch-concurrency', values['batch-concurrency'], {
      min: 1,
      max: 64,
      integer: true,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Interruption and clean-up

/** Aborted on Ctrl-C/SIGTERM or when the API child dies: every loop checks it. */
const stop = new AbortController();
setMaxListeners(0, stop.signal); // every in-flight request listens on it
let interrupted = false;
let fatal: Error | null = null;

function abort(reason: Error): void {
  if (!fatal) fatal = reason;
  if (!stop.signal.aborted) stop.abort(reason);
}

function throwIfStopped(): void {
  if (stop.signal.aborted) throw fatal ?? new Error('stopped');
}

/** Resolves after `ms`, or early when the run is stopped. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', done);
      resolve();
    }
    stop.signal.addEventListener('abort', done, { once: true });
  });
}

const startedAt = Date.now();

function log(message: string): void {
  process.stderr.write(
    `[bench:api +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// The API child process

interface ApiChild {
  process: ChildProcess;
  pid: number;
  url: string;
  operatorToken: string;
  exited: Promise<void>;
  hasExited(): boolean;
  recentOutput(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

function apiMainPath(): string {
  const pkg = require.resolve('@herald/api/package.json');
  const main = path.join(path.dirname(pkg), 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(
      `${main} not found: build the API first (npx turbo run build --filter=@herald/api)`,
    );
  }
  return main;
}

function startApi(databaseUrl: string, port: number): ApiChild {
  const operatorToken = randomBytes(24).toString('base64url');
  // A clean environment: nothing of ours (HERALD_*, DATABASE_URL, npm_*, NODE_OPTIONS) leaks in,
  // and no TEMPORAL_*: this measures ingest only, so the API must not hand deliveries to a worker.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(HERALD_|TEMPORAL_|npm_)/.test(key) && key !== 'DATABASE_URL' && key !== 'NODE_OPTIONS',
    ),
  );
  const env: Record<string, string | undefined> = {
    ...inherited,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST,
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_OPERATOR_TOKEN: operatorToken,
    HERALD_ENV: 'production',
    HERALD_LOG_LEVEL: 'warn',
    HERALD_ALLOW_HTTP: 'true',
    HERALD_SSRF_ALLOWLIST: '127.0.0.0/8',
    HERALD_RATE_LIMIT_PER_SECOND: '1000000',
    HERALD_RATE_LIMIT_BURST: '1000000',
    // Optional: more API processes (node:cluster) sharing the port.
    ...(process.env.HERALD_API_PROCESSES
      ? { HERALD_API_PROCESSES: process.env.HERALD_API_PROCESSES }
      : {}),
  };
  loadApiConfig(env); // fail here, with the whole list of problems, rather than in the child

  // HERALD_BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the API under load.
  const nodeArgs = (process.env.HERALD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, apiMainPath()], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the API process');
  const pid = child.pid;
  const tail: string[] = [];
  const forward = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        process.stderr.write(`[api] ${line}\n`);
      }
    });
  };
  forward(child.stdout!);
  forward(child.stderr!);

  let exited = false;
  let stopping = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping)
        abort(new Error(`the API process exited unexpectedly (code ${code}, signal ${signal})`));
      resolve();
    });
  });
  child.once('error', (error) => abort(new Error(`the API process failed: ${error.message}`)));

  const api: ApiChild = {
    process: child,
    pid,
    url: `http://${HOST}:${port}`,
    operatorToken,
    exited: exitedPromise,
    hasExited: () => exited,
    recentOutput: () => tail.join('\n'),
  };
  stopApi.current = async () => {
    stopping = true;
    if (exited) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timedOut = await Promise.race([
      exitedPromise.then(() => false),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(true), CHILD_STOP_TIMEOUT_MS).unref(),
      ),
    ]);
    if (timedOut && !exited) {
      log(`API pid ${pid} did not stop within ${CHILD_STOP_TIMEOUT_MS} ms; sending SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await Promise.race([
        exitedPromise,
        new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
      ]);
    }
  };
  stopApi.kill = () => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  return api;
}

const stopApi: {
  current: (() => Promise<void>) | null;
  kill: (() => void) | null;
} = { current: null, kill: null };

async function waitUntilReady(api: ApiChild): Promise<void> {
  // Its own connection, closed afterwards, so no idle keep-alive socket is left on the server.
  const probe = new Pool(api.url, { connections: 1, headersTimeout: 2_000, bodyTimeout: 2_000 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  try {
    while (Date.now() < deadline) {
      throwIfStopped();
      try {
        const res = await probe.request({ path: '/readyz', method: 'GET', signal: stop.signal });
        const text = await res.body.text();
        if (res.statusCode === 200) return;
        last = `HTTP ${res.statusCode}: ${text.slice(0, 200)}`;
      } catch (error) {
        throwIfStopped();
        last = (error as Error).message;
      }
      await sleep(200);
    }
  } finally {
    await probe.destroy().catch(() => undefined);
  }
  throw new Error(`the API was not ready within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

// ---------------------------------------------------------------------------------------------
// GraphQL over an undici Pool

interface GqlError {
  message: string;
  extensions?: { code?: string };
}

interface GqlResponse<T> {
  status: number;
  data: T | null;
  errors: GqlError[] | undefined;
}

class GqlClient {
  readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(origin: string, connections: number, token: string) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    this.headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    };
  }

  async call<T>(query: string, variables: Record<string, unknown>): Promise<GqlResponse<T>> {
    const res = await this.pool.request({
      path: '/graphql',
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({ query, variables }),
      signal: stop.signal,
    });
    const text = await res.body.text();
    let parsed: { data?: T | null; errors?: GqlError[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return {
        status: res.statusCode,
        data: null,
        errors: [{ message: `non-JSON answer: ${text.slice(0, 120)}` }],
      };
    }
    return {
      status: res.statusCode,
      data: parsed.data ?? null,
      errors: parsed.errors,
    };
  }

  /** Like call, but throws on any error: for provisioning. */
  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.call<T>(query, variables);
    if (result.status !== 200 || result.errors?.length || !result.data) {
      throw new Error(
        `GraphQL call failed (HTTP ${result.status}): ${JSON.stringify(result.errors ?? result.data)}`,
      );
    }
    return result.data;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

function describeFailure(result: GqlResponse<unknown>): string {
  const first = result.errors?.[0];
  if (first) return `${first.extensions?.code ?? 'ERROR'}: ${first.message}`.slice(0, 200);
  return `HTTP ${result.status}`;
}

// ---------------------------------------------------------------------------------------------
// Provisioning

interface Fixture {
  apiKey: string;
  applicationId: string;
  endpointIds: string[];
}

async function provision(api: ApiChild): Promise<Fixture> {
  const operator = new GqlClient(api.url, 1, api.operatorToken);
  let apiKey: string;
  try {
    const created = await operator.ok<{
      createTenant: { tenant: { id: string }; apiKey: string };
    }>(
      `mutation CreateTenant($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } apiKey } }`,
      { input: { name: 'Bench Tenant', plan: 'pro' } },
    );
    apiKey = created.createTenant.apiKey;
  } finally {
    await operator.close();
  }

  const admin = new GqlClient(api.url, 1, apiKey);
  try {
    const app = await admin.ok<{ createApplication: { id: string } }>(
      `mutation CreateApp($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`,
      { input: { name: 'Bench Customer', uid: 'bench-customer' } },
    );
    const applicationId = app.createApplication.id;
    const endpointIds: string[] = [];
    for (let i = 1; i <= ENDPOINTS_PER_APP; i++) {
      const endpoint = await admin.ok<{ createEndpoint: { id: string } }>(
        `mutation CreateEndpoint($input: CreateEndpointInput!) { createEndpoint(input: $input) { id } }`,
        {
          input: {
            application: applicationId,
            url: `http://127.0.0.1:9/webhooks/${i}`,
            description: `bench endpoint ${i} (never called)`,
          },
        },
      );
      endpointIds.push(endpoint.createEndpoint.id);
    }
    await admin.ok(
      `mutation CreateEventType($input: CreateEventTypeInput!) { createEventType(input: $input) { id } }`,
      {
        input: { name: EVENT_TYPE, description: 'An invoice was paid.' },
      },
    );
    return { apiKey, applicationId, endpointIds };
  } finally {
    await admin.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

const runId = randomBytes(4).toString('hex');
let messageSeq = 0;

/** A realistic ~310-byte invoice.paid payload, different every time. */
function makeMessage(applicationId: string): Record<string, unknown> {
  const n = messageSeq++;
  const seq = n.toString(36).padStart(8, '0');
  const amount = 1_000 + ((n * 7_919) % 90_000);
  return {
    application: applicationId,
    eventType: EVENT_TYPE,
    idempotencyKey: `bench-${runId}-${seq}`,
    payload: {
      type: EVENT_TYPE,
      data: {
        invoiceId: `in_${runId}${seq}Q2M4V7P8`,
        customerId: `cus_${(n % 5_000).toString(36).padStart(6, '0')}Lm9X`,
        amountDue: amount,
        amountPaid: amount,
        currency: 'usd',
        status: 'paid',
        paidAt: new Date().toISOString(),
        lines: [
          {
            description: 'Pro plan (monthly)',
            quantity: 1,
            unitAmount: amount,
          },
        ],
        metadata: { orderRef: `ORD-${String(n).padStart(8, '0')}` },
      },
    },
  };
}

const SEND_MESSAGE = `mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) { duplicate message { id } }
}`;

const SEND_MESSAGES = `mutation SendBatch($input: SendMessagesInput!) {
  sendMessages(input: $input) { createdCount duplicateCount deliveryCount results { duplicate message { id } } }
}`;

// ---------------------------------------------------------------------------------------------
// Load loop

type Outcome = { ok: true; units: number } | { ok: false; error: string };

interface PhaseResult {
  calls: number;
  errors: number;
  units: number;
  elapsedSec: number;
  latenciesMs: number[];
  errorSamples: Record<string, number>;
  /** CPU used during the measured window, in % of one core (null when unknown). */
  apiCpuPct: number | null;
  loadGenCpuPct: number | null;
}

interface CpuSample {
  at: bigint;
  apiSec: number | null;
  selfSec: number;
}

/**
 * Keeps `concurrency` calls in flight for warmup + duration. Calls that complete inside the
 * measured window are counted (throughput = their units / window); no call starts after the
 * window, and the ones still in flight then are awaited but not counted.
 */
async function runPhase(
  name: string,
  {
    concurrency,
    warmupSec,
    durationSec,
    apiPid,
  }: {
    concurrency: number;
    warmupSec: number;
    durationSec: number;
    apiPid: number;
  },
  once: () => Promise<Outcome>,
): Promise<PhaseResult> {
  const t0 = process.hrtime.bigint();
  const windowStart = t0 + BigInt(Math.round(warmupSec * 1e9));
  const windowEnd = windowStart + BigInt(Math.round(durationSec * 1e9));
  const result: PhaseResult = {
    calls: 0,
    errors: 0,
    units: 0,
    elapsedSec: 0,
    latenciesMs: [],
    errorSamples: {},
    apiCpuPct: null,
    loadGenCpuPct: null,
  };
  log(
    `phase ${name}: ${concurrency} in flight, ${warmupSec} s warm-up + ${durationSec} s measured`,
  );

  // CPU of the API and of this process over the measured window, sampled by timers at its edges.
  const cpuSample = (): CpuSample => {
    const usage = process.cpuUsage();
    return {
      at: process.hrtime.bigint(),
      apiSec: readProcessCpuSec(apiPid),
      selfSec: (usage.user + usage.system) / 1e6,
    };
  };
  let first: CpuSample | null = null;
  let last: CpuSample | null = null;
  const startTimer = setTimeout(() => (first = cpuSample()), warmupSec * 1000);
  const endTimer = setTimeout(() => (last = cpuSample()), (warmupSec + durationSec) * 1000);

  const worker = async () => {
    while (!stop.signal.aborted) {
      const started = process.hrtime.bigint();
      if (started >= windowEnd) break;
      let outcome: Outcome;
      try {
        outcome = await once();
      } catch (error) {
        if (stop.signal.aborted) break;
        outcome = {
          ok: false,
          error: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 200),
        };
      }
      const finished = process.hrtime.bigint();
      if (finished < windowStart || finished > windowEnd) continue;
      result.calls++;
      if (outcome.ok) {
        result.units += outcome.units;
        result.latenciesMs.push(Number(finished - started) / 1e6);
      } else {
        result.errors++;
        result.errorSamples[outcome.error] = (result.errorSamples[outcome.error] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  throwIfStopped();
  result.elapsedSec = Number(windowEnd - windowStart) / 1e9;
  const [a, b] = [first as CpuSample | null, last as CpuSample | null];
  if (a && b && b.at > a.at) {
    const wall = Number(b.at - a.at) / 1e9;
    result.loadGenCpuPct = ((b.selfSec - a.selfSec) / wall) * 100;
    if (a.apiSec !== null && b.apiSec !== null)
      result.apiCpuPct = ((b.apiSec - a.apiSec) / wall) * 100;
  }
  return result;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

const round = (value: number | null, digits = 2): number | null =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Measurements of the server

function readProcStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null; // not Linux, or the process is gone
  }
}

let clockTicks: number | null = null;

/** user + system CPU seconds of a process, from /proc/<pid>/stat; null when unavailable. */
function readProcessCpuSec(pid: number): number | null {
  try {
    if (clockTicks === null) {
      try {
        clockTicks =
          Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      } catch {
        clockTicks = 100;
      }
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

async function countStored(databaseUrl: string): Promise<{ messages: number; deliveries: number }> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      messages: string;
      deliveries: string;
    }>(
      `SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM deliveries) AS deliveries`,
    );
    return {
      messages: Number(rows[0].messages),
      deliveries: Number(rows[0].deliveries),
    };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function formatTable(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

async function run(
  options: Options,
  resources: {
    testDb: TestDatabase | null;
    api: ApiChild | null;
    client: GqlClient | null;
  },
): Promise<number> {
  const adminUrl = process.env.HERALD_TEST_ADMIN_DATABASE_URL || DEFAULT_ADMIN_URL;
  resources.testDb = await createTestDatabase(adminUrl, 'bench_api');
  log(`database ${resources.testDb.name} created`);
  throwIfStopped();

  const port = await freePort();
  const api = startApi(resources.testDb.url, port);
  resources.api = api;
  log(`API pid ${api.pid} starting on ${api.url}`);
  await waitUntilReady(api);
  log('API ready; provisioning tenant, application, endpoints, event type');
  const fixture = await provision(api);
  throwIfStopped();

  const client = new GqlClient(
    api.url,
    Math.max(options.connections, options.batchConcurrency),
    fixture.apiKey,
  );
  resources.client = client;

  // Phase 1: one message per call.
  const send = await runPhase(
    'send',
    {
      concurrency: options.connections,
      warmupSec: options.warmupSec,
      durationSec: options.durationSec,
      apiPid: api.pid,
    },
    async () => {
      const result = await client.call<{
        sendMessage: { duplicate: boolean; message: { id: string } };
      }>(SEND_MESSAGE, {
        input: makeMessage(fixture.applicationId),
      });
      if (
        result.status !== 200 ||
        result.errors?.length ||
        !result.data?.sendMessage?.message?.id
      ) {
        return { ok: false, error: describeFailure(result) };
      }
      if (result.data.sendMessage.duplicate) return { ok: false, error: 'unexpected duplicate' };
      return { ok: true, units: 1 };
    },
  );

  // Phase 2: batches.
  const batch = await runPhase(
    'batch',
    {
      concurrency: options.batchConcurrency,
      warmupSec: options.warmupSec,
      durationSec: options.durationSec,
      apiPid: api.pid,
    },
    async () => {
      const messages = Array.from({ length: options.batchSize }, () =>
        makeMessage(fixture.applicationId),
      );
      const result = await client.call<{
        sendMessages: {
          createdCount: number;
          duplicateCount: number;
          deliveryCount: number;
          results: unknown[];
        };
      }>(SEND_MESSAGES, { input: { messages } });
      const payload = result.data?.sendMessages;
      if (result.status !== 200 || result.errors?.length || !payload)
        return { ok: false, error: describeFailure(result) };
      if (payload.createdCount !== options.batchSize || payload.duplicateCount !== 0) {
        return {
          ok: false,
          error: `created ${payload.createdCount}, duplicates ${payload.duplicateCount}`,
        };
      }
      if (payload.deliveryCount !== options.batchSize * ENDPOINTS_PER_APP) {
        return {
          ok: false,
          error: `expected ${options.batchSize * ENDPOINTS_PER_APP} deliveries, got ${payload.deliveryCount}`,
        };
      }
      return { ok: true, units: payload.createdCount };
    },
  );

  const apiRssMb = readProcStatusMb(api.pid, 'VmRSS');
  const apiPeakRssMb = readProcStatusMb(api.pid, 'VmHWM');
  const stored = await countStored(resources.testDb.url);

  const sendSorted = [...send.latenciesMs].sort((a, b) => a - b);
  const batchSorted = [...batch.latenciesMs].sort((a, b) => a - b);
  const report = {
    sendPerSecond: round(send.units / send.elapsedSec, 1),
    sendP50Ms: round(percentile(sendSorted, 50)),
    sendP90Ms: round(percentile(sendSorted, 90)),
    sendP99Ms: round(percentile(sendSorted, 99)),
    sendErrors: send.errors,
    batchIngestPerSecond: round(batch.units / batch.elapsedSec, 1),
    batchP50Ms: round(percentile(batchSorted, 50)),
    batchP99Ms: round(percentile(batchSorted, 99)),
    batchErrors: batch.errors,
    batchSize: options.batchSize,
    batchConcurrency: options.batchConcurrency,
    connections: options.connections,
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    sendRequests: send.units,
    batchCalls: batch.calls - batch.errors,
    endpointsPerMessage: ENDPOINTS_PER_APP,
    messagesStored: stored.messages,
    deliveriesStored: stored.deliveries,
    sendApiCpuPct: round(send.apiCpuPct, 1),
    batchApiCpuPct: round(batch.apiCpuPct, 1),
    sendLoadGenCpuPct: round(send.loadGenCpuPct, 1),
    batchLoadGenCpuPct: round(batch.loadGenCpuPct, 1),
    apiRssMb: round(apiRssMb, 1),
    apiPeakRssMb: round(apiPeakRssMb, 1),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    timestamp: new Date().toISOString(),
    errorSamples: { send: send.errorSamples, batch: batch.errorSamples },
  };

  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);

  const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} ms`);
  const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} %`);
  process.stdout.write(
    [
      '',
      `Herald API benchmark (${report.cpus} CPUs, Node ${report.node}, ${options.durationSec} s measured per phase after ${options.warmupSec} s warm-up)`,
      '',
      `sendMessage — ${options.connections} connections`,
      formatTable([
        ['throughput', `${report.sendPerSecond} msg/s (${send.units} messages)`],
        [
          'latency p50 / p90 / p99',
          `${ms(report.sendP50Ms)} / ${ms(report.sendP90Ms)} / ${ms(report.sendP99Ms)}`,
        ],
        ['errors', String(send.errors)],
        [
          'CPU, API / load generator',
          `${pct(report.sendApiCpuPct)} / ${pct(report.sendLoadGenCpuPct)} of one core`,
        ],
      ]),
      '',
      `sendMessages — ${options.batchSize} per call, ${options.batchConcurrency} in flight`,
      formatTable([
        [
          'ingest',
          `${report.batchIngestPerSecond} msg/s (${batch.units} messages in ${report.batchCalls} calls)`,
        ],
        ['latency p50 / p99', `${ms(report.batchP50Ms)} / ${ms(report.batchP99Ms)}`],
        ['errors', String(batch.errors)],
        [
          'CPU, API / load generator',
          `${pct(report.batchApiCpuPct)} / ${pct(report.batchLoadGenCpuPct)} of one core`,
        ],
      ]),
      '',
      'server',
      formatTable([
        [
          'API RSS (end / peak)',
          `${report.apiRssMb ?? 'n/a'} MB / ${report.apiPeakRssMb ?? 'n/a'} MB`,
        ],
        ['stored', `${stored.messages} messages, ${stored.deliveries} deliveries (incl. warm-up)`],
      ]),
      '',
      `JSON written to ${options.out}`,
      '',
    ].join('\n'),
  );

  let failed = false;
  for (const [phase, r] of [
    ['send', send],
    ['batch', batch],
  ] as const) {
    if (r.errors > 0) {
      failed = true;
      log(`WARNING: ${r.errors} ${phase} errors:`);
      for (const [message, count] of Object.entries(r.errorSamples).slice(0, 10))
        log(`  ${count} × ${message}`);
    }
  }
  if (stored.deliveries !== stored.messages * ENDPOINTS_PER_APP) {
    failed = true;
    log(
      `WARNING: ${stored.messages} messages stored but ${stored.deliveries} deliveries (expected ${ENDPOINTS_PER_APP} each)`,
    );
  }
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }

  const resources: {
    testDb: TestDatabase | null;
    api: ApiChild | null;
    client: GqlClient | null;
  } = {
    testDb: null,
    api: null,
    client: null,
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      log(`${signal} again: killing the API and exiting now`);
      stopApi.kill?.();
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping and cleaning up (send it again to force)`);
    fatal = new Error(`interrupted by ${signal}`); // wins over "the API exited" when the child got it too
    abort(fatal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code: number;
  try {
    code = await run(options, resources);
  } catch (error) {
    const reason = fatal ?? (error as Error);
    log(`failed: ${reason.stack ?? reason.message}`);
    if (resources.api?.hasExited()) log(`last API output:\n${resources.api.recentOutput()}`);
    code = interrupted ? 130 : 1;
  } finally {
    // Always: close our connections, stop the API, drop the database. Each step on its own.
    if (resources.client)
      await resources.client.close().catch((e: Error) => log(`closing the pool: ${e.message}`));
    if (stopApi.current) {
      await stopApi.current().catch((e: Error) => log(`stopping the API: ${e.message}`));
      log(`API pid ${resources.api?.pid} stopped`);
    }
    if (resources.testDb) {
      const name = resources.testDb.name;
      await resources.testDb
        .drop()
        .then(() => log(`database ${name} dropped`))
        .catch((e: Error) => log(`dropping database ${name}: ${e.message}`));
    }
  }
  return code!;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
