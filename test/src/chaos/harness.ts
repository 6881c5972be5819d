import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  connect,
  createServer as createTcpServer,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDatabase } from '@herald/db/testing';
import { liveProcesses, type ManagedProcess } from './processes';

/*
 * What the chaos suites share besides process control: receivers that count webhook-ids,
 * provisioning through GraphQL, the delivery table as the product left it, and cleanup of the
 * shared Temporal server.
 */

const load = createRequire(__filename);
const testing = load('@herald/db/testing') as typeof import('@herald/db/testing');
const { Client: PgClient } = load('pg') as typeof import('pg');

export const OPERATOR_TOKEN = 'chaos-operator-token';

/** Seconds-scale retries and reconciliation, so a chaos run recovers within a test's budget. */
export const WORKER_CHAOS_ENV: Record<string, string> = {
  HERALD_RETRY_SCHEDULE: '0,500ms,1s,2s,5s',
  HERALD_RECONCILE_AFTER: '2s',
  HERALD_RECONCILE_INTERVAL: '2s',
  HERALD_LANE_IDLE_TIMEOUT: '10s',
  HERALD_CIRCUIT_FAILURE_THRESHOLD: '1000',
  HERALD_DELIVERY_TIMEOUT: '5s',
};

export function adminDatabaseUrl(): string {
  return (
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export function createChaosDatabase(label: string): Promise<TestDatabase> {
  return testing.createTestDatabase(adminDatabaseUrl(), label);
}

/** Env every product process of one test shares: its database, key, task queue and Temporal. */
export function productEnv(
  databaseUrl: string,
  temporalAddress: string,
  taskQueue?: string,
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    HERALD_ENV: 'test',
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
    HERALD_ALLOW_HTTP: 'true',
    HERALD_SSRF_ALLOWLIST: '127.0.0.0/8,::1/128',
    HERALD_LOG_LEVEL: 'info',
    HERALD_DB_POOL_SIZE: '10',
    TEMPORAL_ADDRESS: temporalAddress,
    HERALD_TASK_QUEUE: taskQueue ?? `herald-chaos-${randomBytes(4).toString('hex')}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Receivers

/** A loopback webhook receiver that answers 200 at once and records every request's webhook-id. */
export class IdReceiver {
  /** webhook-id → how many requests carried it. */
  readonly counts = new Map<string, number>();
  /** webhook-id → body of its first request. */
  readonly firstBody = new Map<string, string>();
  /** webhook-id → when its first request arrived (epoch ms). */
  readonly firstSeenAt = new Map<string, number>();
  /** Requests whose body differed from the first request with the same webhook-id. */
  readonly bodyMismatches: string[] = [];
  /** Requests without a webhook-id header. */
  missingId = 0;
  total = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<IdReceiver> {
    let receiver: IdReceiver | null = null;
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver!.record(req.headers['webhook-id'], Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const { port } = server.address() as AddressInfo;
    receiver = new IdReceiver(server, `http://127.0.0.1:${port}/hook`);
    return receiver;
  }

  private record(header: string | string[] | undefined, body: string): void {
    this.total++;
    const id = Array.isArray(header) ? header[0] : header;
    if (!id) {
      this.missingId++;
      return;
    }
    const seen = this.counts.get(id) ?? 0;
    this.counts.set(id, seen + 1);
    if (seen === 0) {
      this.firstBody.set(id, body);
      this.firstSeenAt.set(id, Date.now());
    } else if (this.firstBody.get(id) !== body) this.bodyMismatches.push(id);
  }

  /** Distinct webhook-ids received. */
  get unique(): number {
    return this.counts.size;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((res) => this.server.close(() => res()));
  }
}

export interface CompletenessReport {
  expectedPerEndpoint: number;
  endpoints: number;
  received: number;
  /** (endpoint, message) pairs never received. */
  lost: number;
  /** Requests beyond the first for the same webhook-id at the same endpoint. */
  duplicates: number;
  /** Requests with a webhook-id that is not one of the sent messages (or none). */
  unknownIds: number;
  /** Repeats whose body differed from the first request (a duplicate must be the same message). */
  bodyMismatches: number;
  /** First request's body did not carry the payload sent with that message id. */
  wrongPayloads: number;
}

/**
 * From the receivers' side: was every message id received by every endpoint, and is every
 * extra request an exact repeat of an id it already had?
 */
export function completeness(
  receivers: IdReceiver[],
  sent: Map<string, number>,
): CompletenessReport {
  let lost = 0;
  let duplicates = 0;
  let unknownIds = 0;
  let bodyMismatches = 0;
  let wrongPayloads = 0;
  let received = 0;
  for (const r of receivers) {
    received += r.total;
    unknownIds += r.missingId;
    bodyMismatches += r.bodyMismatches.length;
    for (const id of sent.keys()) if (!r.counts.has(id)) lost++;
    for (const [id, count] of r.counts) {
      duplicates += count - 1;
      const seq = sent.get(id);
      if (seq === undefined) {
        unknownIds += count;
        continue;
      }
      try {
        if ((JSON.parse(r.firstBody.get(id) ?? 'null') as { seq?: number } | null)?.seq !== seq)
          wrongPayloads++;
      } catch {
        wrongPayloads++;
      }
    }
  }
  return {
    expectedPerEndpoint: sent.size,
    endpoints: receivers.length,
    received,
    lost,
    duplicates,
    unknownIds,
    bodyMismatches,
    wrongPayloads,
  };
}

/** Distinct sent ids received at every endpoint so far (cheap progress measure). */
export function uniqueReceived(receivers: IdReceiver[]): number {
  return receivers.reduce((sum, r) => sum + r.unique, 0);
}

// ---------------------------------------------------------------------------------------------
// GraphQL

export interface GqlResponse<T> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function gql<T = Record<string, any>>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 60_000,
): Promise<GqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: { data?: T; errors?: GqlResponse<T>['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GraphQL answered HTTP ${res.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, data: body.data ?? null, errors: body.errors };
}

export async function gqlOk<T = Record<string, any>>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await gql<T>(apiUrl, query, variables, token);
  if (result.errors?.length || !result.data)
    throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A tenant with one application and one endpoint per receiver. */
export async function provision(
  apiUrl: string,
  receivers: IdReceiver[],
): Promise<{ apiKey: string; applicationId: string; endpointIds: string[] }> {
  const tenant = await gqlOk<{ createTenant: { apiKey: string } }>(
    apiUrl,
    `mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id } apiKey } }`,
    { name: 'Chaos' },
    OPERATOR_TOKEN,
  );
  const apiKey = tenant.createTenant.apiKey;
  const app = await gqlOk<{ createApplication: { id: string } }>(
    apiUrl,
    `mutation { createApplication(input: { name: "Chaos" }) { id } }`,
    {},
    apiKey,
  );
  const applicationId = app.createApplication.id;
  const endpointIds: string[] = [];
  for (const r of receivers) {
    const ep = await gqlOk<{ createEndpoint: { id: string } }>(
      apiUrl,
      `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id } }`,
      { input: { application: applicationId, url: r.url } },
      apiKey,
    );
    endpointIds.push(ep.createEndpoint.id);
  }
  return { apiKey, applicationId, endpointIds };
}

/**
 * One sendMessages call of `count` messages with payload { seq, run }; records id → seq in
 * `sent` and returns the ids (in order). Throws unless every message was created.
 */
export async function sendBatch(
  apiUrl: string,
  apiKey: string,
  applicationId: string,
  count: number,
  firstSeq: number,
  sent: Map<string, number>,
): Promise<string[]> {
  const run = randomBytes(3).toString('hex');
  const messages = Array.from({ length: count }, (_, i) => ({
    application: applicationId,
    eventType: 'chaos.tick',
    payload: { seq: firstSeq + i, run },
  }));
  const data = await gqlOk<{
    sendMessages: {
      createdCount: number;
      deliveryCount: number;
      results: { message: { id: string } }[];
    };
  }>(
    apiUrl,
    `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount deliveryCount results { message { id } } } }`,
    { input: { messages } },
    apiKey,
  );
  if (data.sendMessages.createdCount !== count)
    throw new Error(`sendMessages created ${data.sendMessages.createdCount} of ${count}`);
  const ids = data.sendMessages.results.map((r) => r.message.id);
  ids.forEach((id, i) => sent.set(id, firstSeq + i));
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Database (as superuser: what the product actually stored, across tenants)

export async function withPg<T>(
  url: string,
  fn: (client: import('pg').Client) => Promise<T>,
): Promise<T> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function deliveryStatusCounts(url: string): Promise<Record<string, number>> {
  return withPg(url, async (c) => {
    const { rows } = await c.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
}

export async function messageCount(url: string): Promise<number> {
  return withPg(
    url,
    async (c) =>
      (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`)).rows[0].n,
  );
}

/** Waits until every delivery row is SUCCEEDED (and there are `expected` of them). */
export async function waitAllSucceeded(
  url: string,
  expected: number,
  deadline: number,
): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    counts = await deliveryStatusCounts(url);
    if ((counts.SUCCEEDED ?? 0) === expected && Object.keys(counts).length === 1) return counts;
    await sleep(500);
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Polls `done` until it returns true or `deadline` (epoch ms) passes; logs progress every few
 * seconds. Fails early if a process we depend on has exited.
 */
export async function until(
  label: string,
  deadline: number,
  done: () => boolean | Promise<boolean>,
  options: { progress?: () => string; mustStayAlive?: ManagedProcess[]; intervalMs?: number } = {},
): Promise<void> {
  let lastLog = Date.now();
  for (;;) {
    if (await done()) return;
    for (const p of options.mustStayAlive ?? []) {
      if (!p.alive)
        throw new Error(
          `${label}: ${p.name} (pid ${p.pid}) exited ${JSON.stringify(p.exit)}\n${p.tail()}`,
        );
    }
    if (Date.now() > deadline)
      throw new Error(`${label}: timed out${options.progress ? ` (${options.progress()})` : ''}`);
    if (options.progress && Date.now() - lastLog > 5_000) {
      lastLog = Date.now();
      console.log(`[chaos] waiting: ${label}: ${options.progress()}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** Output of every process (alive or given) for a failing test's report. */
export function dumpProcesses(extra: ManagedProcess[] = []): void {
  const all = new Set([...extra, ...liveProcesses()]);
  for (const p of all) console.error(p.tail(80));
}

// ---------------------------------------------------------------------------------------------
// Temporal (shared dev server): end what a test left running

export async function cleanupTemporal(address: string, taskQueue: string): Promise<void> {
  const { Client, Connection } = load('@temporalio/client') as typeof import('@temporalio/client');
  let connection: import('@temporalio/client').Connection | null = null;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
    const client = new Client({ connection, namespace: 'default' });
    for (const schedule of ['herald-reconciler', 'herald-retention']) {
      await client.schedule
        .getHandle(`${schedule}:${taskQueue}`)
        .delete()
        .catch(() => undefined);
    }
    for await (const wf of client.workflow.list({
      query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
    })) {
      await client.workflow
        .getHandle(wf.workflowId, wf.runId)
        .terminate('chaos test finished')
        .catch(() => undefined);
    }
  } catch (error) {
    console.warn(`[chaos] Temporal cleanup for ${taskQueue} failed: ${(error as Error).message}`);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// A TCP proxy that can be cut: the port closes and every open connection is reset

export class TcpProxy {
  private sockets = new Set<Socket>();
  private server: TcpServer | null = null;

  private constructor(
    readonly port: number,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: string): Promise<TcpProxy> {
    const [host, port] = target.split(':');
    const proxy = new TcpProxy(0, host, Number(port));
    await proxy.listen(0);
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private listen(port: number): Promise<void> {
    const server = createTcpServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((res, rej) => {
      server.once('error', rej);
      server.listen(port, '127.0.0.1', () => {
        (this as { port: number }).port = (server.address() as AddressInfo).port;
        res();
      });
    });
  }

  /** Stop listening (connection refused from now on) and reset every connection through it. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((res) => server.close(() => res()));
  }
}

/**
 * What the product's state looks like when a wait timed out: delivery rows by status and due
 * time, the reconciler schedule's recent actions, and the workflows on the task queue.
 */
export async function diagnose(
  address: string,
  taskQueue: string,
  databaseUrl: string,
): Promise<string> {
  const out: string[] = [];
  try {
    const rows = await withPg(
      databaseUrl,
      async (c) =>
        (
          await c.query(
            `SELECT status, count(*)::int AS n, min(next_attempt_at) AS min_due, max(next_attempt_at) AS max_due, now() AS db_now
             FROM deliveries GROUP BY status`,
          )
        ).rows,
    );
    out.push(`deliveries: ${JSON.stringify(rows)}`);
  } catch (error) {
    out.push(`deliveries: ${(error as Error).message}`);
  }
  const { Client, Connection } = load('@temporalio/client') as typeof import('@temporalio/client');
  let connection: import('@temporalio/client').Connection | null = null;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
    const client = new Client({ connection, namespace: 'default' });
    try {
      const s = await client.schedule.getHandle(`herald-reconciler:${taskQueue}`).describe();
      out.push(
        `reconciler schedule: paused=${s.state.paused} actions=${s.info.numActionsTaken} skippedOverlap=${s.info.numActionsSkippedOverlap} ` +
          `missedCatchup=${s.info.numActionsMissedCatchupWindow} running=${JSON.stringify(s.info.runningActions)} ` +
          `recent=${JSON.stringify(s.info.recentActions.slice(-5))}`,
      );
    } catch (error) {
      out.push(`reconciler schedule: ${(error as Error).message}`);
    }
    let n = 0;
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
      if (n++ >= 30) break;
      let result = '';
      if (wf.type === 'reconcilerWorkflow' && wf.status.name === 'COMPLETED') {
        result = ` result=${JSON.stringify(
          await client.workflow
            .getHandle(wf.workflowId, wf.runId)
            .result()
            .catch((e: Error) => e.message),
        )}`;
      }
      out.push(
        `workflow ${wf.workflowId} ${wf.type} ${wf.status.name} history=${wf.historyLength} start=${wf.startTime.toISOString()}${result}`,
      );
    }
  } catch (error) {
    out.push(`temporal: ${(error as Error).message}`);
  } finally {
    await connection?.close().catch(() => undefined);
  }
  return out.join('\n');
}

/**
 * Lane activities that needed more than one attempt, by why the previous attempt failed (a
 * retried attempt is only visible in history as ActivityTaskStarted.attempt > 1 with its
 * lastFailure) — e.g. how many in-flight steps of a killed worker were only retried once their
 * heartbeat timed out.
 */
const TIMEOUT_TYPES: Record<number, string> = {
  1: 'START_TO_CLOSE',
  2: 'SCHEDULE_TO_START',
  3: 'SCHEDULE_TO_CLOSE',
  4: 'HEARTBEAT',
};

export async function laneActivityRetries(
  address: string,
  taskQueue: string,
): Promise<Record<string, number>> {
  const { Client, Connection } = load('@temporalio/client') as typeof import('@temporalio/client');
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  const counts: Record<string, number> = {};
  try {
    const client = new Client({ connection, namespace: 'default' });
    for await (const wf of client.workflow.list({
      query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'laneWorkflow'`,
    })) {
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const started = event.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) {
          const failure = started.lastFailure;
          const timeout = failure?.timeoutFailureInfo?.timeoutType;
          const why = timeout
            ? `timeout:${TIMEOUT_TYPES[Number(timeout)] ?? timeout}`
            : (failure?.message ?? 'unknown');
          counts[why] = (counts[why] ?? 0) + 1;
        }
        const timedOut = event.activityTaskTimedOutEventAttributes;
        if (timedOut) {
          const type = timedOut.failure?.timeoutFailureInfo?.timeoutType ?? 0;
          const why = `final-timeout:${TIMEOUT_TYPES[Number(type)] ?? type}`;
          counts[why] = (counts[why] ?? 0) + 1;
        }
      }
    }
  } finally {
    await connection.close();
  }
  return counts;
}
