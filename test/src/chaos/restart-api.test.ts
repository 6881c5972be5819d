import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@herald/db/testing';
import {
  cleanupTemporal,
  completeness,
  createChaosDatabase,
  deliveryStatusCounts,
  diagnose,
  dumpProcesses,
  IdReceiver,
  messageCount,
  productEnv,
  provision,
  sendBatch,
  TcpProxy,
  uniqueReceived,
  until,
  waitAllSucceeded,
  withPg,
  WORKER_CHAOS_ENV,
} from './harness';
import { freePort, killAll, startApi, startWorker, type ManagedProcess } from './processes';

/*
 * "Restart the API between commit and hand-off": the API commits messages and deliveries, then
 * dies (or cannot reach Temporal) before it signals the lanes. Nothing is lost: the worker's
 * reconciler finds the PENDING deliveries and hands them over.
 */

const ENDPOINTS = 2;
/** The reconciler settings this scenario asks for. */
const RECONCILING_WORKER_ENV = {
  ...WORKER_CHAOS_ENV,
  HERALD_RECONCILE_AFTER: '1s',
  HERALD_RECONCILE_INTERVAL: '2s',
};

function sharedTemporal(): string {
  const address = process.env.HERALD_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('HERALD_TEST_TEMPORAL_ADDRESS is not set (vitest globalSetup starts Temporal)');
  return address;
}

/** One scenario's world: a database, receivers, env on a task queue of its own; torn down after each test. */
interface World {
  db: TestDatabase;
  env: Record<string, string>;
  receivers: IdReceiver[];
  procs: ManagedProcess[];
  proxy?: TcpProxy;
}
let world: World | null = null;

async function newWorld(label: string): Promise<World> {
  const db = await createChaosDatabase(label);
  const receivers: IdReceiver[] = [];
  for (let i = 0; i < ENDPOINTS; i++) receivers.push(await IdReceiver.start());
  world = { db, env: productEnv(db.url, sharedTemporal()), receivers, procs: [] };
  return world;
}

afterEach(async () => {
  await killAll();
  if (!world) return;
  await world.proxy?.cut();
  await Promise.all(world.receivers.map((r) => r.close()));
  await cleanupTemporal(sharedTemporal(), world.env.HERALD_TASK_QUEUE);
  await world.db.drop();
  world = null;
});

const progressOf = (receivers: IdReceiver[], total: number) => () =>
  `${uniqueReceived(receivers)}/${total} distinct, ${receivers.reduce((s, r) => s + r.total, 0)} requests`;

/**
 * The second half shared by the "hand-off failed" scenarios: 500 messages are committed and
 * PENDING, the first API is gone; a new API (right Temporal address) and a worker come up and the
 * reconciler delivers everything.
 */
async function recoverAndVerify(
  w: World,
  sent: Map<string, number>,
  label: string,
  t0: number,
): Promise<void> {
  const total = sent.size * ENDPOINTS;
  const api2 = await startApi(w.env, { name: 'api#2' });
  w.procs.push(api2);
  const worker = await startWorker({ ...w.env, ...RECONCILING_WORKER_ENV });
  w.procs.push(worker);
  const tUp = Date.now();
  try {
    await until(
      `${label}: every message at every endpoint`,
      Date.now() + 120_000,
      () => uniqueReceived(w.receivers) >= total,
      {
        progress: progressOf(w.receivers, total),
        mustStayAlive: [api2, worker],
      },
    );
  } catch (error) {
    console.error(
      `[chaos] ${label}: state at timeout\n${await diagnose(sharedTemporal(), w.env.HERALD_TASK_QUEUE, w.db.url)}`,
    );
    throw error;
  }
  const tComplete = Date.now();
  const statuses = await waitAllSucceeded(w.db.url, total, Date.now() + 60_000);
  const report = completeness(w.receivers, sent);
  console.log(
    `[chaos] ${label}: ${JSON.stringify(report)}; statuses ${JSON.stringify(statuses)}; ` +
      `delivered ${tComplete - tUp} ms after API#2+worker were up, total ${Date.now() - t0} ms`,
  );
  console.log(`[chaos] ${label} duplicates: ${report.duplicates}`);
  expect(report.lost).toBe(0);
  expect(report.unknownIds).toBe(0);
  expect(report.bodyMismatches).toBe(0);
  expect(report.wrongPayloads).toBe(0);
  expect(statuses).toEqual({ SUCCEEDED: total });
}

describe('chaos: restart the API between commit and hand-off', () => {
  it(
    'API started with TEMPORAL_ADDRESS on a closed port stores 500 messages; a restarted API + worker deliver them all',
    { timeout: 180_000 },
    async ({ onTestFailed }) => {
      const w = await newWorld('chaos_api_closed_port');
      onTestFailed(() => dumpProcesses(w.procs));
      const t0 = Date.now();
      // Expected: PostgreSQL is the source of truth and the reconciler covers a failed hand-off, so
      // an API that cannot reach Temporal still accepts (and stores) messages.
      const closedPort = await freePort(); // nothing listens there
      // Provision with an API that can hand off; then the one under test, which cannot.
      const setupApi = await startApi(w.env, { name: 'api#setup' });
      w.procs.push(setupApi);
      const { apiKey, applicationId } = await provision(setupApi.url, w.receivers);
      await setupApi.terminate();

      const api1 = await startApi(
        { ...w.env, TEMPORAL_ADDRESS: `127.0.0.1:${closedPort}` },
        { name: 'api#1 (Temporal unreachable)', timeoutMs: 45_000 },
      );
      w.procs.push(api1);
      const sent = new Map<string, number>();
      await sendBatch(api1.url, apiKey, applicationId, 500, 0, sent);
      expect(await messageCount(w.db.url)).toBe(500);
      expect(await deliveryStatusCounts(w.db.url)).toEqual({ PENDING: 500 * ENDPOINTS });
      await api1.kill9();

      await recoverAndVerify(w, sent, 'restart-api (closed port at boot)', t0);
    },
  );

  it(
    'API whose Temporal connection is cut after boot stores 500 messages (hand-offs fail); a restarted API + worker deliver them all',
    { timeout: 180_000 },
    async ({ onTestFailed }) => {
      const w = await newWorld('chaos_api_cut');
      onTestFailed(() => dumpProcesses(w.procs));
      const t0 = Date.now();
      // The API reaches Temporal through a proxy that the test closes once the API is up.
      w.proxy = await TcpProxy.start(sharedTemporal());
      const api1 = await startApi(
        { ...w.env, TEMPORAL_ADDRESS: w.proxy.address },
        { name: 'api#1 (via proxy)' },
      );
      w.procs.push(api1);
      const { apiKey, applicationId } = await provision(api1.url, w.receivers);
      await w.proxy.cut(); // the port is closed from now on

      const sent = new Map<string, number>();
      const tSend = Date.now();
      await sendBatch(api1.url, apiKey, applicationId, 250, 0, sent);
      await sendBatch(api1.url, apiKey, applicationId, 250, 250, sent);
      const sendMs = Date.now() - tSend;
      expect(await messageCount(w.db.url)).toBe(500);
      // Every hand-off fails (after the client's own retries) and is only logged.
      await api1.waitForLine((l) => l.includes('lane hand-off failed'), 90_000);
      expect(await deliveryStatusCounts(w.db.url)).toEqual({ PENDING: 500 * ENDPOINTS });
      console.log(
        `[chaos] cut: 2 sendMessages calls took ${sendMs} ms; first hand-off failure logged after ${Date.now() - tSend} ms`,
      );

      // "Kill the API": a graceful stop flushes (and here fails) what it still buffers.
      const tStop = Date.now();
      const exit = await api1.terminate(20_000);
      console.log(
        `[chaos] cut: API#1 stop took ${Date.now() - tStop} ms (${JSON.stringify(exit)})`,
      );
      expect(
        exit.signal,
        `API ignored SIGTERM for 20 s while Temporal was unreachable\n${api1.tail()}`,
      ).toBeNull();

      await recoverAndVerify(w, sent, 'restart-api (connection cut)', t0);
    },
  );

  it(
    'kill -9 of the API right after each sendMessages returns loses nothing',
    { timeout: 180_000 },
    async ({ onTestFailed }) => {
      const w = await newWorld('chaos_api_kill9');
      onTestFailed(() => dumpProcesses(w.procs));
      const t0 = Date.now();
      const BATCHES = 6;
      const SIZE = 100;
      const port = await freePort();
      const worker = await startWorker({ ...w.env, ...RECONCILING_WORKER_ENV });
      w.procs.push(worker);
      let api = await startApi(w.env, { port, name: 'api#0' });
      w.procs.push(api);
      const { apiKey, applicationId } = await provision(api.url, w.receivers);

      const sent = new Map<string, number>();
      const returnedAt = new Map<string, number>();
      for (let b = 0; b < BATCHES; b++) {
        const messages = Array.from({ length: SIZE }, (_, i) => ({
          application: applicationId,
          eventType: 'chaos.tick',
          payload: { seq: b * SIZE + i, run: randomBytes(3).toString('hex') },
        }));
        const res = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({
            query: `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount results { message { id } } } }`,
            variables: { input: { messages } },
          }),
        });
        // The response is in: kill -9 now, inside the API's 5 ms hand-off linger.
        api.signal('SIGKILL');
        const at = Date.now();
        await api.exited;
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          data?: { sendMessages: { createdCount: number; results: { message: { id: string } }[] } };
          errors?: unknown;
        };
        expect(body.errors).toBeUndefined();
        expect(body.data!.sendMessages.createdCount).toBe(SIZE);
        body.data!.sendMessages.results.forEach((r, i) => {
          sent.set(r.message.id, b * SIZE + i);
          returnedAt.set(r.message.id, at);
        });
        api = await startApi(w.env, { port, name: `api#${b + 1}` });
        w.procs.push(api);
      }
      expect(sent.size).toBe(BATCHES * SIZE);
      // What the API committed is exactly what it acknowledged.
      const stored = await withPg(w.db.url, async (c) =>
        (await c.query<{ id: string }>(`SELECT id FROM messages`)).rows.map((r) => r.id),
      );
      expect(new Set(stored)).toEqual(new Set(sent.keys()));

      const total = sent.size * ENDPOINTS;
      try {
        await until(
          'kill-9 loop: every message at every endpoint',
          Date.now() + 120_000,
          () => uniqueReceived(w.receivers) >= total,
          {
            progress: progressOf(w.receivers, total),
            mustStayAlive: [worker, api],
          },
        );
      } catch (error) {
        console.error(
          `[chaos] kill-9 loop: state at timeout\n${await diagnose(sharedTemporal(), w.env.HERALD_TASK_QUEUE, w.db.url)}`,
        );
        throw error;
      }
      const statuses = await waitAllSucceeded(w.db.url, total, Date.now() + 60_000);
      const report = completeness(w.receivers, sent);
      // Deliveries that arrived ≥ 1 s after their batch returned went the reconciler's way (hand-off lost with the API).
      let viaReconciler = 0;
      for (const r of w.receivers)
        for (const [id, seenAt] of r.firstSeenAt)
          if (seenAt - (returnedAt.get(id) ?? seenAt) >= 1_000) viaReconciler++;
      console.log(
        `[chaos] restart-api (kill -9 loop, ${BATCHES}×${SIZE}): ${JSON.stringify(report)}; statuses ${JSON.stringify(statuses)}; ` +
          `${viaReconciler}/${total} deliveries arrived ≥ 1 s after their batch returned (reconciler path); total ${Date.now() - t0} ms`,
      );
      console.log(`[chaos] restart-api kill-9 loop duplicates: ${report.duplicates}`);
      expect(report.lost).toBe(0);
      expect(report.unknownIds).toBe(0);
      expect(report.bodyMismatches).toBe(0);
      expect(report.wrongPayloads).toBe(0);
      expect(statuses).toEqual({ SUCCEEDED: total });
    },
  );
});
