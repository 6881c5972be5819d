import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@herald/db/testing';
import {
  cleanupTemporal,
  completeness,
  createChaosDatabase,
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
 * Scale-out: one API and two worker processes on one task queue. Temporal hands the lanes'
 * activities to whichever worker polls, so the lanes are served by both; when one worker is
 * killed (-9), the other finishes everything: nothing is lost.
 */

const load = createRequire(__filename);
const MESSAGES = 2_000;
const BATCH = 500;
const ENDPOINTS = 8;
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
  db = await createChaosDatabase('chaos_two_workers');
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

/** Worker identities (Temporal's default `<pid>@<host>`) that ran each lane's activities. */
async function laneWorkers(endpointIds: string[]): Promise<Map<string, Set<string>>> {
  const { Client, Connection } = load('@temporalio/client') as typeof import('@temporalio/client');
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const byLane = new Map<string, Set<string>>();
    for (const endpointId of endpointIds) {
      const workflowId = `lane:${endpointId}`;
      const identities = new Set<string>();
      // Every run of the lane (it continues as new), newest first.
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        for (const event of history.events ?? []) {
          const identity = event.activityTaskStartedEventAttributes?.identity;
          if (identity) identities.add(identity);
        }
      }
      byLane.set(endpointId, identities);
    }
    return byLane;
  } finally {
    await connection.close();
  }
}

const pidOf = (identity: string) => Number(identity.split('@')[0]);

describe('scale-out: two workers on one task queue', () => {
  it(
    `spread ${ENDPOINTS} lanes over both workers, and one finishes alone after the other is killed`,
    { timeout: 240_000 },
    async ({ onTestFailed }) => {
      onTestFailed(() => dumpProcesses(procs));
      const { apiKey, applicationId, endpointIds } = await provision(api.url, receivers);
      const workerEnv = { ...env, ...WORKER_CHAOS_ENV };
      const first = await startWorker(workerEnv, { name: 'worker#1' });
      const second = await startWorker(workerEnv, { name: 'worker#2' });
      procs.push(first, second);

      const sent = new Map<string, number>();
      for (let b = 0; b < MESSAGES / BATCH; b++)
        await sendBatch(api.url, apiKey, applicationId, BATCH, b * BATCH, sent);
      const progress = () => `${uniqueReceived(receivers)}/${TOTAL} distinct`;
      await until(
        'a third delivered',
        Date.now() + 120_000,
        () => uniqueReceived(receivers) >= TOTAL / 3,
        {
          progress,
          mustStayAlive: [first, second, api],
          intervalMs: 20,
        },
      );

      const before = await laneWorkers(endpointIds);
      const pidsByLane = [...before.values()].map((ids) => new Set([...ids].map(pidOf)));
      const lanesOf = (pid: number) => pidsByLane.filter((pids) => pids.has(pid)).length;
      console.log(
        `[scale-out] lanes served by worker#1 (pid ${first.pid}): ${lanesOf(first.pid)}, ` +
          `by worker#2 (pid ${second.pid}): ${lanesOf(second.pid)}, of ${ENDPOINTS}`,
      );
      expect(lanesOf(first.pid)).toBeGreaterThan(0);
      expect(lanesOf(second.pid)).toBeGreaterThan(0);
      // Every lane has run somewhere, and only on these two workers.
      expect(pidsByLane.every((pids) => pids.size > 0)).toBe(true);
      expect(
        pidsByLane.every((pids) => [...pids].every((p) => p === first.pid || p === second.pid)),
      ).toBe(true);

      const exit = await first.kill9();
      expect(exit.signal).toBe('SIGKILL');
      const atKill = uniqueReceived(receivers);
      console.log(`[scale-out] kill -9 worker#1 at ${atKill}/${TOTAL}`);

      // More traffic after the kill: the survivor takes every lane.
      const more = new Map<string, number>();
      await sendBatch(api.url, apiKey, applicationId, BATCH, MESSAGES, more);
      for (const [id, seq] of more) sent.set(id, seq);
      const expected = sent.size * ENDPOINTS;
      await until(
        'every message at every endpoint',
        Date.now() + 180_000,
        () => uniqueReceived(receivers) >= expected,
        {
          progress: () => `${uniqueReceived(receivers)}/${expected} distinct`,
          mustStayAlive: [second, api],
          intervalMs: 100,
        },
      );
      const statuses = await waitAllSucceeded(db.url, expected, Date.now() + 60_000);
      const report = completeness(receivers, sent);
      console.log(`[scale-out] after the kill: ${JSON.stringify(report)}`);
      expect(report.lost).toBe(0);
      expect(report.unknownIds).toBe(0);
      expect(report.bodyMismatches).toBe(0);
      expect(statuses).toEqual({ SUCCEEDED: expected });

      // Every lane ran on the survivor after the kill.
      const after = await laneWorkers(endpointIds);
      const survivorLanes = [...after.values()].filter((ids) =>
        [...ids].some((identity) => pidOf(identity) === second.pid),
      ).length;
      expect(survivorLanes).toBe(ENDPOINTS);
      expect(second.alive && api.alive).toBe(true);
    },
  );
});
