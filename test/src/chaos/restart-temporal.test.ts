import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@herald/db/testing';
import {
  completeness,
  createChaosDatabase,
  diagnose,
  laneActivityRetries,
  dumpProcesses,
  IdReceiver,
  messageCount,
  productEnv,
  provision,
  sendBatch,
  uniqueReceived,
  until,
  waitAllSucceeded,
  WORKER_CHAOS_ENV,
} from './harness';
import {
  killAll,
  startApi,
  startTemporalDev,
  startWorker,
  waitPortClosed,
  type ManagedProcess,
} from './processes';

/*
 * Temporal goes away mid-run and comes back on the same address with the same (SQLite) state.
 * The API keeps accepting messages meanwhile (they are committed; the hand-off fails and is
 * logged), API and worker reconnect by themselves, and the reconciler re-enqueues whatever
 * was stored while Temporal was down.
 */

interface TemporalHandle {
  address: string;
  pid: number | null;
  stop(): Promise<void>;
}
interface TemporalInfra {
  ensureTemporal(options: {
    dbFile: string | null;
    headless: boolean;
    log?: unknown;
    env?: Record<string, string | undefined>;
  }): Promise<TemporalHandle>;
  findTemporalCli(log?: unknown): Promise<string | null>;
}

const ENDPOINTS = 2;
const BEFORE = 500; // sent while Temporal is up
const DURING = 500; // sent while Temporal is down (two batches)
const MESSAGES = BEFORE + DURING;
const TOTAL = MESSAGES * ENDPOINTS;

let tmp: string;
let dbFile: string;
let infra: TemporalInfra;
let firstTemporal: TemporalHandle | null = null;
let db: TestDatabase;
const receivers: IdReceiver[] = [];
const procs: ManagedProcess[] = [];

beforeAll(async () => {
  infra = (await import('../../../infra/dev/temporal.mjs')) as TemporalInfra;
  tmp = await mkdtemp(join(tmpdir(), 'herald-chaos-temporal-'));
  dbFile = join(tmp, 'temporal.sqlite');
  // Our own dev server (not the suite's shared one): TEMPORAL_ADDRESS='' makes ensureTemporal start one.
  firstTemporal = await infra.ensureTemporal({
    dbFile,
    headless: true,
    env: { ...process.env, TEMPORAL_ADDRESS: '' },
  });
  db = await createChaosDatabase('chaos_restart_temporal');
  for (let i = 0; i < ENDPOINTS; i++) receivers.push(await IdReceiver.start());
});

afterAll(async () => {
  await killAll();
  await firstTemporal?.stop();
  await Promise.all(receivers.map((r) => r.close()));
  await db?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('chaos: restart Temporal mid-run', () => {
  it(
    `delivers ${MESSAGES} messages to ${ENDPOINTS} endpoints across a Temporal restart`,
    { timeout: 240_000 },
    async ({ onTestFailed }) => {
      onTestFailed(() => dumpProcesses(procs));
      const t0 = Date.now();
      const address = firstTemporal!.address;
      const port = Number(address.split(':').pop());
      const env = productEnv(db.url, address);
      const api = await startApi(env);
      procs.push(api);
      const worker = await startWorker({ ...env, ...WORKER_CHAOS_ENV });
      procs.push(worker);
      const { apiKey, applicationId } = await provision(api.url, receivers);
      const progress = () =>
        `${uniqueReceived(receivers)}/${TOTAL} distinct, ${receivers.reduce((s, r) => s + r.total, 0)} requests`;

      const sent = new Map<string, number>();
      await sendBatch(api.url, apiKey, applicationId, BEFORE, 0, sent);
      await until(
        'some deliveries before the outage',
        Date.now() + 60_000,
        () => uniqueReceived(receivers) >= BEFORE * ENDPOINTS * 0.3,
        {
          progress,
          mustStayAlive: [api, worker],
          intervalMs: 10,
        },
      );

      // Stop Temporal mid-run.
      await firstTemporal!.stop();
      firstTemporal = null;
      await waitPortClosed(port);
      const atStop = uniqueReceived(receivers);
      const tDown = Date.now();
      console.log(`[chaos] Temporal stopped at ${atStop}/${TOTAL} received`);

      // While it is down, publishing still succeeds and the messages are stored.
      await sendBatch(api.url, apiKey, applicationId, DURING / 2, BEFORE, sent);
      await new Promise((r) => setTimeout(r, 3_000));
      await sendBatch(api.url, apiKey, applicationId, DURING / 2, BEFORE + DURING / 2, sent);
      expect(sent.size).toBe(MESSAGES);
      expect(await messageCount(db.url)).toBe(MESSAGES);
      await new Promise((r) => setTimeout(r, 3_000));
      // Neither product process gave up while Temporal was unreachable.
      expect(api.alive, `API exited while Temporal was down\n${api.tail()}`).toBe(true);
      expect(worker.alive, `worker exited while Temporal was down\n${worker.tail()}`).toBe(true);

      // Back on the same port with the same state file.
      const cli = await infra.findTemporalCli();
      if (!cli) throw new Error('no temporal CLI found (ensureTemporal found one a moment ago)');
      const second = await startTemporalDev({ cli, dbFile, port, name: 'temporal#2' });
      procs.push(second);
      const tUp = Date.now();
      console.log(
        `[chaos] Temporal restarted on ${second.address} (pid ${second.pid}) after ${tUp - tDown} ms down`,
      );

      try {
        await until(
          'every message at every endpoint after the restart',
          Date.now() + 150_000,
          () => uniqueReceived(receivers) >= TOTAL,
          {
            progress,
            mustStayAlive: [api, worker, second],
            intervalMs: 100,
          },
        );
      } catch (error) {
        console.error(
          `[chaos] restart-temporal: state at timeout\n${await diagnose(second.address, env.HERALD_TASK_QUEUE, db.url)}`,
        );
        throw error;
      }
      const tComplete = Date.now();
      const statuses = await waitAllSucceeded(db.url, TOTAL, Date.now() + 60_000);
      const report = completeness(receivers, sent);
      const retries = await laneActivityRetries(second.address, env.HERALD_TASK_QUEUE).catch(
        (e: Error) => e.message,
      );
      console.log(
        `[chaos] lane activities retried (previous attempt failed by): ${JSON.stringify(retries)}`,
      );
      console.log(
        `[chaos] restart-temporal: ${JSON.stringify(report)}; statuses ${JSON.stringify(statuses)}; ` +
          `down ${tUp - tDown} ms, complete ${tComplete - tUp} ms after restart, total ${Date.now() - t0} ms`,
      );
      console.log(`[chaos] restart-temporal duplicates: ${report.duplicates}`);

      expect(report.lost).toBe(0);
      expect(report.unknownIds).toBe(0);
      expect(report.bodyMismatches).toBe(0);
      expect(report.wrongPayloads).toBe(0);
      expect(statuses).toEqual({ SUCCEEDED: TOTAL });
      expect(api.alive && worker.alive).toBe(true);
    },
  );
});
