import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ApiConfig, WorkerConfig } from '@herald/config';
import type { Database } from '@herald/db';
import type { TestDatabase } from '@herald/db/testing';
import type { MailSink } from '../../../infra/dev/mail-sink.mjs' with {
  'resolution-mode': 'import',
};

/*
 * Everything under test is the built CommonJS output, loaded with require() as `npm start`
 * runs it (vitest's ESM pipeline would mix graphql's ESM and CJS copies).
 */
const load = createRequire(__filename);
const config = load('@herald/config') as typeof import('@herald/config');
const dbPkg = load('@herald/db') as typeof import('@herald/db');
const testing = load('@herald/db/testing') as typeof import('@herald/db/testing');
const api = load('@herald/api') as typeof import('@herald/api');
const temporalPkg = load('@herald/temporal') as typeof import('@herald/temporal');
const workerPkg = load('@herald/worker') as typeof import('@herald/worker');
const { NativeConnection } = load('@temporalio/worker') as typeof import('@temporalio/worker');

export const OPERATOR_TOKEN = 'e2e-operator-token';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface StackOptions {
  /** Extra worker settings, e.g. a seconds-scale HERALD_RETRY_SCHEDULE. */
  workerEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
  /** Start without a worker (e.g. to start it later, or several). */
  withoutWorker?: boolean;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

export interface Stack {
  url: string;
  db: Database;
  taskQueue: string;
  temporalAddress: string;
  client: import('@temporalio/client').Client;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GqlResult<T>>;
  ok<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<T>;
  createTenant(name?: string): Promise<{ tenantId: string; apiKey: string }>;
  startWorker(env?: Record<string, string>): Promise<RunningWorker>;
  /** The SMTP sink the API mails to (verification and invitation links). */
  mail: MailSink;
  /** The token of the newest link of `kind` mailed to `to`, waiting for it if needed. */
  linkFor(to: string, kind: 'verify-email' | 'accept-invitation'): Promise<string>;
  stop(): Promise<void>;
}

export const FAST_RETRIES: Record<string, string> = {
  HERALD_RETRY_SCHEDULE: '0,300ms,600ms,900ms',
  HERALD_RETRY_JITTER_PERCENT: '0',
  HERALD_MIN_DELAY_AFTER_THROTTLE: '1s',
  HERALD_CIRCUIT_FAILURE_THRESHOLD: '1000',
  HERALD_LANE_IDLE_TIMEOUT: '10s',
  HERALD_RECONCILE_AFTER: '2s',
  HERALD_RECONCILE_INTERVAL: '2s',
  HERALD_DELIVERY_TIMEOUT: '2s',
};

function temporalAddress(): string {
  const address = process.env.HERALD_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('HERALD_TEST_TEMPORAL_ADDRESS is not set (vitest globalSetup starts Temporal)');
  return address;
}

function adminUrl(): string {
  return (
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/**
 * The real product on loopback: a fresh database, the API in-process, a Temporal client, and a
 * worker on a task queue of this stack's own (so suites running side by side never share work).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const address = temporalAddress();
  const testDb: TestDatabase = await testing.createTestDatabase(adminUrl(), 'e2e');
  const taskQueue = `herald-test-${randomBytes(4).toString('hex')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const sinkModule = await import('../../../infra/dev/mail-sink.mjs');
  const mail = await sinkModule.startMailSink();
  const common = {
    DATABASE_URL: testDb.url,
    HERALD_ENV: 'test',
    HERALD_ENCRYPTION_KEY: encryptionKey,
    HERALD_LOG_LEVEL: 'error',
    HERALD_ALLOW_HTTP: 'true',
    HERALD_SSRF_ALLOWLIST: '127.0.0.0/8,::1/128',
    TEMPORAL_ADDRESS: address,
    HERALD_TASK_QUEUE: taskQueue,
    HERALD_DB_POOL_SIZE: '8',
  };
  const apiConfig: ApiConfig = config.loadApiConfig({
    ...common,
    PORT: '0',
    HOST: '127.0.0.1',
    HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
    SMTP_URL: mail.url,
    ...options.apiEnv,
  });
  const db = await dbPkg.openDatabase(apiConfig.database);
  const { client, connection } = await temporalPkg.connectTemporal({
    address,
    namespace: 'default',
  });
  const logger = workerPkg.createLogger('error');
  const dispatcher = new temporalPkg.TemporalDispatcher(client, taskQueue, logger);
  const server = await api.createServer({
    config: apiConfig,
    db,
    dispatcher,
  });
  const url = await server.listen();

  const workers = new Set<RunningWorker>();
  const startWorker = async (env: Record<string, string> = {}): Promise<RunningWorker> => {
    const workerConfig: WorkerConfig = config.loadWorkerConfig({
      ...common,
      ...FAST_RETRIES,
      ...options.workerEnv,
      ...env,
    });
    const workerDb = await dbPkg.openDatabase(workerConfig.database, { migrate: false });
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await workerPkg.createWorker({
      config: workerConfig,
      db: workerDb,
      connection: nativeConnection,
      client,
      logger,
    });
    const running = worker.run();
    const handle: RunningWorker = {
      async stop() {
        workers.delete(handle);
        await worker.shutdown();
        await running.catch(() => undefined);
        await nativeConnection.close();
        await workerDb.close();
      },
    };
    workers.add(handle);
    return handle;
  };
  if (!options.withoutWorker) await startWorker();

  const gql = async <T>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GqlResult<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: GqlResult['errors'] };
    return { status: res.status, data: body.data ?? null, errors: body.errors };
  };
  const stack: Stack = {
    url,
    db,
    taskQueue,
    temporalAddress: address,
    client,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string | null) {
      const result = await gql<T>(query, variables, token);
      if (result.errors?.length)
        throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    async createTenant(name = 'E2E') {
      const data = await stack.ok<{ createTenant: { tenant: { id: string }; apiKey: string } }>(
        `mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id } apiKey } }`,
        { name },
        OPERATOR_TOKEN,
      );
      return { tenantId: data.createTenant.tenant.id, apiKey: data.createTenant.apiKey };
    },
    startWorker,
    mail,
    async linkFor(to, kind) {
      const address = to.trim().toLowerCase();
      const found = await mail.waitFor(
        (m) => m.to.includes(address) && m.text.includes(`/${kind}#token=`),
      );
      return sinkModule.linkToken(found, kind);
    },
    async stop() {
      for (const w of [...workers]) await w.stop();
      await server.stop();
      await dispatcher.flush();
      await terminateLanes(client, taskQueue);
      await connection.close();
      await db.close();
      await testDb.drop();
      await mail.stop();
    },
  };
  return stack;
}

/** Lanes idle out by themselves; tests end them at once so the shared server stays clean. */
async function terminateLanes(
  client: import('@temporalio/client').Client,
  taskQueue: string,
): Promise<void> {
  for (const schedule of ['herald-reconciler', 'herald-retention']) {
    try {
      await client.schedule.getHandle(`${schedule}:${taskQueue}`).delete();
    } catch {
      // never created (no worker started)
    }
  }
  for await (const wf of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate('test finished')
      .catch(() => undefined);
  }
}

/** Polls `fn` until it returns a truthy value or the time runs out. */
export async function eventually<T>(
  fn: () => Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `eventually: timed out; last value ${String(last instanceof Error ? last.message : JSON.stringify(last))}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
