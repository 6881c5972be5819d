import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BillingService, meterEventIdentifier, type BillingTenant } from './billing-service';
import { PgBillingStore } from './pg-store';
import { startBillingTestDatabase, type BillingTestDatabase } from './testing/database';
import { recordingStripe, testPlans, type RecordedCall } from './testing/fixtures';
import { initialWatermark, reportPendingUsage } from './usage-reporter';

let pg: BillingTestDatabase;
let store: PgBillingStore;

beforeAll(async () => {
  pg = await startBillingTestDatabase();
  store = new PgBillingStore(pg.db);
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  // Cascades to usage_counters, usage_reports and billing_customers.
  await pg.db.withSystem((m) => m.query(`DELETE FROM tenants`));
});

const h = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour));
const sec = (d: Date) => d.getTime() / 1000;
/** The clock of the tests: 2026-03-10 15:20 UTC, so 15:00 is the open hour. */
const NOW = new Date('2026-03-10T15:20:00Z');

function setup() {
  const { stripe, calls } = recordingStripe();
  const service = new BillingService({
    stripe,
    store,
    plans: testPlans(),
    meterEventName: 'herald_messages',
  });
  const meterCalls = () => calls.filter((c) => c.path === '/v1/billing/meter_events');
  return { service, calls, meterCalls };
}

function expectMeterEvent(
  call: RecordedCall | undefined,
  tenantId: string,
  from: Date,
  value: number,
  customerId: string | null,
) {
  const identifier = `${tenantId}:${sec(from)}-${sec(from) + 3600}`;
  expect(call).toMatchObject({
    method: 'POST',
    status: 200,
    idempotencyKey: `herald-meter:${identifier}`,
    body: {
      event_name: 'herald_messages',
      identifier,
      timestamp: sec(from),
      payload: { stripe_customer_id: customerId, value: String(value) },
    },
  });
}

describe('initialWatermark', () => {
  it('starts at the current UTC month, or the hour the tenant was created if later', () => {
    expect(initialWatermark(NOW, new Date('2025-12-01T00:00:00Z'))).toEqual(h(1, 0));
    expect(initialWatermark(NOW, new Date('2026-03-04T07:45:10Z'))).toEqual(h(4, 7));
  });
});

describe('reportPendingUsage', () => {
  it('sends one meter event per closed hour with usage, never the open hour, and advances the watermark', async () => {
    await pg.createTenant('tnt_PRO_A', { plan: 'pro', createdAt: new Date('2026-02-01Z') });
    await pg.createTenant('tnt_PRO_C', { plan: 'pro', createdAt: new Date('2026-03-10T13:30Z') });
    await pg.createTenant('tnt_FREE_B', { plan: 'free' });
    await pg.createTenant('tnt_ENT_E', { plan: 'enterprise' });
    // A: last month (before the default watermark), 11:00 with attempts only, 12:00 over three
    // shards, nothing at 13:00, 14:00 over two shards, and the open hour 15:00.
    await pg.addUsage('tnt_PRO_A', new Date('2026-02-28T23:00:00Z'), 0, 77);
    await pg.addUsage('tnt_PRO_A', h(10, 11), 0, 0, 5);
    await pg.addUsage('tnt_PRO_A', h(10, 12), 0, 5);
    await pg.addUsage('tnt_PRO_A', h(10, 12), 1, 7);
    await pg.addUsage('tnt_PRO_A', h(10, 12), 9, 1);
    await pg.addUsage('tnt_PRO_A', h(10, 14), 3, 4);
    await pg.addUsage('tnt_PRO_A', h(10, 14), 5, 0);
    await pg.addUsage('tnt_PRO_A', h(10, 15), 0, 100);
    // C was created at 13:30: its 14:00 hour counts.
    await pg.addUsage('tnt_PRO_C', h(10, 14), 2, 2);
    await pg.addUsage('tnt_FREE_B', h(10, 12), 0, 50);
    await pg.addUsage('tnt_ENT_E', h(10, 12), 0, 60);

    const { service, meterCalls } = setup();
    const summary = await reportPendingUsage({ db: pg.db, store, service, now: NOW });
    expect(summary).toEqual({ tenants: 2, windowsSent: 3, messagesReported: 19, failures: [] });

    const sent = meterCalls();
    expect(sent).toHaveLength(3);
    const customerA = await store.getCustomerId('tnt_PRO_A');
    const customerC = await store.getCustomerId('tnt_PRO_C');
    expect(customerA).toMatch(/^cus_/);
    expectMeterEvent(sent[0], 'tnt_PRO_A', h(10, 12), 13, customerA);
    expectMeterEvent(sent[1], 'tnt_PRO_A', h(10, 14), 4, customerA);
    expectMeterEvent(sent[2], 'tnt_PRO_C', h(10, 14), 2, customerC);
    expect(sent.some((c) => c.body.timestamp === sec(h(10, 15)))).toBe(false);

    // Watermarks sit at the start of the open hour; free and enterprise tenants are untouched.
    expect(await store.getReportedUntil('tnt_PRO_A')).toEqual(h(10, 15));
    expect(await store.getReportedUntil('tnt_PRO_C')).toEqual(h(10, 15));
    expect(await store.getReportedUntil('tnt_FREE_B')).toBeNull();
    expect(await store.getReportedUntil('tnt_ENT_E')).toBeNull();
    expect(await store.getCustomerId('tnt_FREE_B')).toBeNull();
  });

  it('sends nothing new on a second run, then the next hour once it has closed', async () => {
    await pg.createTenant('tnt_PRO_A', { plan: 'pro' });
    await pg.addUsage('tnt_PRO_A', h(10, 13), 0, 8);
    await pg.addUsage('tnt_PRO_A', h(10, 15), 0, 10);

    const { service, meterCalls } = setup();
    expect(await reportPendingUsage({ db: pg.db, store, service, now: NOW })).toMatchObject({
      windowsSent: 1,
      messagesReported: 8,
    });
    expect(await reportPendingUsage({ db: pg.db, store, service, now: NOW })).toEqual({
      tenants: 1,
      windowsSent: 0,
      messagesReported: 0,
      failures: [],
    });
    expect(meterCalls()).toHaveLength(1);

    // More usage lands in 15:00 before it closes; the hour is reported whole at 16:05.
    await pg.addUsage('tnt_PRO_A', h(10, 15), 4, 5);
    const later = new Date('2026-03-10T16:05:00Z');
    expect(await reportPendingUsage({ db: pg.db, store, service, now: later })).toMatchObject({
      windowsSent: 1,
      messagesReported: 15,
    });
    const sent = meterCalls();
    expect(sent).toHaveLength(2);
    expectMeterEvent(sent[1], 'tnt_PRO_A', h(10, 15), 15, await store.getCustomerId('tnt_PRO_A'));
    expect(await store.getReportedUntil('tnt_PRO_A')).toEqual(h(10, 16));
    expect(await reportPendingUsage({ db: pg.db, store, service, now: later })).toMatchObject({
      windowsSent: 0,
    });
    expect(meterCalls()).toHaveLength(2);
  });

  it('leaves the watermark after the last accepted hour on a failure and resumes there with the same identifier', async () => {
    await pg.createTenant('tnt_PRO_D', { plan: 'pro' });
    await pg.createTenant('tnt_PRO_F', { plan: 'pro' });
    await pg.addUsage('tnt_PRO_D', h(10, 11), 0, 1);
    await pg.addUsage('tnt_PRO_D', h(10, 12), 0, 2);
    await pg.addUsage('tnt_PRO_D', h(10, 13), 0, 3);
    await pg.addUsage('tnt_PRO_F', h(10, 12), 0, 9);

    const { service, meterCalls } = setup();
    // The second window of D reaches Stripe, then the process "crashes" before the watermark
    // moves: the worst case, as Stripe has counted the window already.
    const attempted: string[] = [];
    let calls = 0;
    const crashing = {
      async reportUsage(tenant: BillingTenant, window: { from: Date; to: Date; messages: number }) {
        if (tenant.id === 'tnt_PRO_D') {
          attempted.push(meterEventIdentifier(tenant.id, window));
          calls += 1;
          if (calls === 2) {
            await service.reportUsage(tenant, window);
            throw new Error('simulated crash');
          }
        }
        return service.reportUsage(tenant, window);
      },
    };
    const first = await reportPendingUsage({ db: pg.db, store, service: crashing, now: NOW });
    expect(first).toEqual({
      tenants: 2,
      windowsSent: 2,
      messagesReported: 10,
      failures: [{ tenantId: 'tnt_PRO_D', error: 'simulated crash' }],
    });
    expect(await store.getReportedUntil('tnt_PRO_D')).toEqual(h(10, 12));
    // The other tenant is not held up.
    expect(await store.getReportedUntil('tnt_PRO_F')).toEqual(h(10, 15));
    expect(attempted).toEqual([
      meterEventIdentifier('tnt_PRO_D', { from: h(10, 11), to: h(10, 12) }),
      meterEventIdentifier('tnt_PRO_D', { from: h(10, 12), to: h(10, 13) }),
    ]);
    const before = meterCalls().length;

    const second = await reportPendingUsage({ db: pg.db, store, service, now: NOW });
    expect(second).toEqual({ tenants: 2, windowsSent: 2, messagesReported: 5, failures: [] });
    const resent = meterCalls().slice(before);
    const customerD = await store.getCustomerId('tnt_PRO_D');
    expect(resent).toHaveLength(2);
    expectMeterEvent(resent[0], 'tnt_PRO_D', h(10, 12), 2, customerD);
    expectMeterEvent(resent[1], 'tnt_PRO_D', h(10, 13), 3, customerD);
    // Same identifier and idempotency key as the crashed attempt: Stripe counts it once.
    const crashed = meterCalls().filter((c) => c.body.identifier === attempted[1]);
    expect(crashed).toHaveLength(2);
    expect(new Set(crashed.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(await store.getReportedUntil('tnt_PRO_D')).toEqual(h(10, 15));
  });

  it('moves no watermark in "not configured" mode', async () => {
    await pg.createTenant('tnt_PRO_A', { plan: 'pro' });
    await pg.addUsage('tnt_PRO_A', h(10, 12), 0, 3);
    const service = new BillingService({
      stripe: null,
      store,
      plans: testPlans(),
      meterEventName: 'herald_messages',
    });
    expect(await reportPendingUsage({ db: pg.db, store, service, now: NOW })).toEqual({
      tenants: 1,
      windowsSent: 0,
      messagesReported: 0,
      failures: [],
    });
    expect(await store.getReportedUntil('tnt_PRO_A')).toBeNull();
  });
});
