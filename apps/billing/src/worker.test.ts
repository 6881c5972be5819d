import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  BillingService,
  meterEventIdentifier,
  PgBillingStore,
  type BillingTenant,
  type UsageWindow,
} from '@herald/billing-core';
import {
  recordingStripe,
  startBillingTestDatabase,
  testPlans,
  type BillingTestDatabase,
} from '@herald/billing-core/testing';
import { createLogger } from '@herald/observability';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The worker under test is the build (dist/), as `npm start` runs it: it ships the workflow
 * bundle made at build time, which vitest's TypeScript sources do not have.
 */
const { createBillingWorker, ensureUsageSchedule, usageScheduleId, USAGE_REPORT_WORKFLOW } =
  createRequire(__filename)('../dist/index.js') as typeof import('./index');

const address = () => {
  const value = process.env.HERALD_TEST_TEMPORAL_ADDRESS;
  if (!value) throw new Error('HERALD_TEST_TEMPORAL_ADDRESS is not set (globalSetup sets it)');
  return value;
};

const h = (hour: number) => new Date(Date.UTC(2026, 2, 10, hour));
/** 2026-03-10 15:20 UTC: 15:00 is the open hour and is never reported. */
const NOW = new Date('2026-03-10T15:20:00Z');

let pg: BillingTestDatabase;
let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;

beforeAll(async () => {
  pg = await startBillingTestDatabase();
  connection = await NativeConnection.connect({ address: address() });
  clientConnection = await Connection.connect({ address: address() });
  client = new Client({ connection: clientConnection });
});

afterAll(async () => {
  await clientConnection?.close();
  await connection?.close();
  await pg?.stop();
});

describe('billing worker', () => {
  it('creates its usage schedule once, on the configured interval', async () => {
    const taskQueue = `billing-schedule-${randomUUID()}`;
    const make = () =>
      createBillingWorker({
        connection,
        client,
        namespace: 'default',
        taskQueue,
        reportIntervalMs: 7 * 60_000,
        activities: {
          db: pg.db,
          store: new PgBillingStore(pg.db),
          service: { reportUsage: () => Promise.reject(new Error('not called')) },
        },
        logger: createLogger('error'),
      });
    const first = await make();
    await first.worker.runUntil(Promise.resolve()); // releases its connection
    // A second replica (or a restart) finds the schedule in place and leaves it alone.
    await ensureUsageSchedule({
      client,
      taskQueue,
      reportIntervalMs: 60_000,
      logger: createLogger('error'),
    });
    const handle = client.schedule.getHandle(usageScheduleId(taskQueue));
    try {
      const description = await handle.describe();
      expect(description.spec.intervals).toMatchObject([{ every: 7 * 60_000 }]);
      expect(description.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: USAGE_REPORT_WORKFLOW,
        taskQueue,
      });
    } finally {
      await handle.delete();
    }
  });

  it('survives a crash after Stripe accepted a window: the retry resends it with the same identifier and nothing is counted twice', async () => {
    const tenantId = 'tnt_WORKERPRO1';
    await pg.createTenant(tenantId, { plan: 'pro' });
    await pg.addUsage(tenantId, h(11), 0, 5);
    await pg.addUsage(tenantId, h(11), 7, 6);
    await pg.addUsage(tenantId, h(13), 2, 40);
    await pg.addUsage(tenantId, h(15), 0, 1000); // the open hour

    const store = new PgBillingStore(pg.db);
    const { stripe, calls } = recordingStripe();
    const real = new BillingService({
      stripe,
      store,
      plans: testPlans(),
      meterEventName: 'herald_messages',
    });
    // The 13:00 window reaches Stripe, then the activity dies before its watermark moves: the
    // worst moment, since Stripe has already counted the window.
    let crashes = 0;
    const crashing = {
      async reportUsage(tenant: BillingTenant, window: UsageWindow) {
        const report = await real.reportUsage(tenant, window);
        if (window.from.getTime() === h(13).getTime() && crashes === 0) {
          crashes += 1;
          throw new Error('simulated crash after Stripe accepted the event');
        }
        return report;
      },
    };

    const taskQueue = `billing-crash-${randomUUID()}`;
    const worker = await createBillingWorker({
      connection,
      client,
      namespace: 'default',
      taskQueue,
      reportIntervalMs: 3_600_000,
      activities: { db: pg.db, store, service: crashing, now: () => NOW },
      logger: createLogger('error'),
    });
    try {
      const result = await worker.worker.runUntil(
        client.workflow.execute(USAGE_REPORT_WORKFLOW, {
          taskQueue,
          workflowId: `usage-report-test-${randomUUID()}`,
          workflowExecutionTimeout: '60 seconds',
        }),
      );
      expect(crashes).toBe(1);
      // The successful (second) attempt resumed after 11:00 and sent 13:00 again.
      expect(result).toEqual({ windowsSent: 1, messages: 40 });
    } finally {
      await client.schedule.getHandle(usageScheduleId(taskQueue)).delete();
    }

    const meter = calls.filter((c) => c.path === '/v1/billing/meter_events');
    const id11 = meterEventIdentifier(tenantId, { from: h(11), to: h(12) });
    const id13 = meterEventIdentifier(tenantId, { from: h(13), to: h(14) });
    expect(meter.map((c) => c.body.identifier)).toEqual([id11, id13, id13]);
    expect(meter.every((c) => c.status === 200)).toBe(true);
    // The resend is byte-for-byte the same event: Stripe keeps one per identifier.
    expect(meter[2]!.body).toEqual(meter[1]!.body);
    expect(meter[2]!.idempotencyKey).toBe(meter[1]!.idempotencyKey);
    const billed = new Map(meter.map((c) => [c.body.identifier, Number(payloadValue(c.body))]));
    expect([...billed.values()].reduce((a, b) => a + b, 0)).toBe(51);
    expect(await store.getReportedUntil(tenantId)).toEqual(h(15));
  });
});

function payloadValue(body: Record<string, unknown>): string {
  return (body.payload as { value: string }).value;
}
