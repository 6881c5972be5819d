import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@herald/db/testing';
import {
  cleanupTemporal,
  completeness,
  createChaosDatabase,
  diagnose,
  laneActivityRetries,
  dumpProcesses,
  IdReceiver,
  productEnv,
  provision,
  sendBatch,
  uniqueReceived,
  until,
  waitAllSucceeded,
  WORKER_CHAOS_ENV,
} from './harness';
import { killAll, startApi, startWorker, type ApiProcess, type ManagedProcess } from './processes';

/*
 * kill -9 the worker in the middle of a 5,000-message run. Deliveries caught in flight are
 * retried when Temporal times the dead worker's activity out (heartbeat timeout) and a new worker
 * picks the lanes up; nothing may be lost, and every repeat must carry the same webhook-id.
 */

const MESSAGES = 5_000;
const BATCH = 1_000;
const ENDPOINTS = 4;
const TOTAL = MESSAGES * ENDPOINTS;

let db: TestDatabase;
let env: Record<string, string>;
let api: ApiProcess;
const receivers: IdReceiver[] = [];
const procs: ManagedProcess[] = [];

beforeAll(async () => {
  const temporal = process.env.HERALD_TEST_TEMPORAL_ADDRESS;
  if (!temporal)
    throw new Error('HERALD_TEST_TEMPORAL_ADDRESS is not set (vitest globalSetup starts Temporal)');
  db = await createChaosDatabase('chaos_kill_worker');
  env = productEnv(db.url, temporal);
  for (let i = 0; i < ENDPOINTS; i++) receivers.push(await IdReceiver.start());
  api = await startApi(env);
  procs.push(api);
});

afterAll(async () => {
  await killAll();
  await Promise.all(receivers.map((r) => r.close()));
  if (env) await cleanupTemporal(env.TEMPORAL_ADDRESS, env.HERALD_TASK_QUEUE);
  await db?.drop();
});

describe('chaos: kill -9 the worker mid-run', () => {
  it(
    `delivers ${MESSAGES} messages to ${ENDPOINTS} endpoints with nothing lost`,
    { timeout: 240_000 },
    async ({ onTestFailed }) => {
      onTestFailed(() => dumpProcesses(procs));
      const t0 = Date.now();
      const { apiKey, applicationId } = await provision(api.url, receivers);

      // Stored and handed to the lanes before any worker runs, so the kill lands mid-delivery.
      const sent = new Map<string, number>();
      for (let b = 0; b < MESSAGES / BATCH; b++)
        await sendBatch(api.url, apiKey, applicationId, BATCH, b * BATCH, sent);
      expect(sent.size).toBe(MESSAGES);
      const tSent = Date.now();

      const workerEnv = { ...env, ...WORKER_CHAOS_ENV };
      const first = await startWorker(workerEnv, { name: 'worker#1' });
      procs.push(first);
      const tStarted = Date.now();
      const progress = () =>
        `${uniqueReceived(receivers)}/${TOTAL} distinct, ${receivers.reduce((s, r) => s + r.total, 0)} requests`;

      await until(
        'first worker reaches 25 %',
        Date.now() + 120_000,
        () => uniqueReceived(receivers) >= TOTAL * 0.25,
        {
          progress,
          mustStayAlive: [first, api],
          intervalMs: 10,
        },
      );
      const exit = await first.kill9();
      const atKill = uniqueReceived(receivers);
      const tKilled = Date.now();
      expect(exit.signal).toBe('SIGKILL');
      console.log(
        `[chaos] kill -9 worker pid ${first.pid} at ${atKill}/${TOTAL} (${((100 * atKill) / TOTAL).toFixed(1)} %), ${tKilled - tStarted} ms after it started`,
      );

      await new Promise((r) => setTimeout(r, 2_000));
      const second = await startWorker(workerEnv, { name: 'worker#2' });
      procs.push(second);
      const tRestarted = Date.now();

      try {
        await until(
          'every message at every endpoint',
          Date.now() + 180_000,
          () => uniqueReceived(receivers) >= TOTAL,
          {
            progress,
            mustStayAlive: [second, api],
            intervalMs: 100,
          },
        );
      } catch (error) {
        console.error(
          `[chaos] kill-worker: state at timeout\n${await diagnose(env.TEMPORAL_ADDRESS, env.HERALD_TASK_QUEUE, db.url)}`,
        );
        throw error;
      }
      const tComplete = Date.now();
      const statuses = await waitAllSucceeded(db.url, TOTAL, Date.now() + 60_000);
      const report = completeness(receivers, sent);
      const retries = await laneActivityRetries(env.TEMPORAL_ADDRESS, env.HERALD_TASK_QUEUE).catch(
        (e: Error) => e.message,
      );
      console.log(
        `[chaos] lane activities retried (previous attempt failed by): ${JSON.stringify(retries)}`,
      );
      console.log(
        `[chaos] kill-worker: ${JSON.stringify(report)}; statuses ${JSON.stringify(statuses)}; ` +
          `send ${tSent - t0} ms, worker#1 ran ${tKilled - tStarted} ms, recovery+rest ${tComplete - tRestarted} ms, total ${Date.now() - t0} ms`,
      );
      console.log(`[chaos] kill-worker duplicates: ${report.duplicates}`);

      expect(report.lost).toBe(0);
      expect(report.unknownIds).toBe(0);
      expect(report.bodyMismatches).toBe(0);
      expect(report.wrongPayloads).toBe(0);
      expect(statuses).toEqual({ SUCCEEDED: TOTAL });
      // The new worker keeps running; the API never noticed.
      expect(second.alive && api.alive).toBe(true);
    },
  );
});
