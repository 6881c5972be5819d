import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingService } from './billing-service';
import { PgBillingStore } from './pg-store';
import { MemoryBillingStore, type BillingStore, type WebhookEventStore } from './store';
import { startBillingTestDatabase, type BillingTestDatabase } from './testing/database';
import { recordingStripe, testPlans } from './testing/fixtures';

let pg: BillingTestDatabase;
let seq = 0;

beforeAll(async () => {
  pg = await startBillingTestDatabase();
});

afterAll(async () => {
  await pg?.stop();
});

/** A fresh tenant id (and row, for the PostgreSQL store: billing_customers references tenants). */
async function newTenant(kind: string): Promise<string> {
  const id = `tnt_STORE${kind.toUpperCase()}${++seq}`;
  if (kind === 'pg') await pg.createTenant(id);
  return id;
}

type Store = BillingStore & WebhookEventStore;
const stores: [string, () => Store][] = [
  ['memory', () => new MemoryBillingStore()],
  ['pg', () => new PgBillingStore(pg.db)],
];

/** One compare-and-set in its own event transaction, as the webhook handler runs it. */
async function advance(
  store: WebhookEventStore,
  subscriptionId: string,
  version: { created: number; rank: number },
): Promise<boolean> {
  const result = await store.processOnce(`evt_cas_${++seq}`, (tx) =>
    store.advanceSubscriptionVersion(tx, subscriptionId, version),
  );
  return result!.value;
}

describe.each(stores)('%s billing store', (kind, make) => {
  it('links a customer once and keeps the first link when links race', async () => {
    const store = make();
    const tenantId = await newTenant(kind);
    expect(await store.getCustomerId(tenantId)).toBeNull();

    const candidates = [1, 2, 3, 4].map((n) => `cus_${kind}_${seq}_${n}`);
    const linked = await Promise.all(candidates.map((c) => store.linkCustomer(tenantId, c)));
    expect(new Set(linked).size).toBe(1);
    const winner = linked[0]!;
    expect(candidates).toContain(winner);
    expect(await store.getCustomerId(tenantId)).toBe(winner);
    expect(await store.getTenantIdForCustomer(winner)).toBe(tenantId);
    for (const loser of candidates.filter((c) => c !== winner)) {
      expect(await store.getTenantIdForCustomer(loser)).toBeNull();
    }
    // Linking again later returns the existing link.
    expect(await store.linkCustomer(tenantId, `cus_${kind}_late`)).toBe(winner);
    expect(await store.getTenantIdForCustomer('cus_unknown')).toBeNull();
  });

  it('runs an event once, also under concurrency, and again after a failed attempt', async () => {
    const store = make();
    const eventId = `evt_${kind}_${++seq}`;
    let runs = 0;
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() => store.processOnce(eventId, async () => ++runs)),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r !== null)).toEqual([{ value: 1 }]);
    expect(await store.processOnce(eventId, async () => ++runs)).toBeNull();

    const failing = `${eventId}_failing`;
    await expect(
      store.processOnce(failing, async () => {
        throw new Error('effects failed');
      }),
    ).rejects.toThrow('effects failed');
    // The failed attempt left no mark: Stripe's retry is processed.
    expect(await store.processOnce(failing, async () => 'retried')).toEqual({ value: 'retried' });
    expect(await store.processOnce(failing, async () => 'again')).toBeNull();
  });

  it('compare-and-sets subscription versions (created, then rank)', async () => {
    const store = make();
    const sub = `sub_${kind}_${++seq}`;
    expect(await advance(store, sub, { created: 100, rank: 1 })).toBe(true);
    expect(await advance(store, sub, { created: 99, rank: 2 })).toBe(false);
    expect(await advance(store, sub, { created: 100, rank: 0 })).toBe(false);
    // Equal is not older: applied (a redelivery after a rolled-back attempt).
    expect(await advance(store, sub, { created: 100, rank: 1 })).toBe(true);
    expect(await advance(store, sub, { created: 100, rank: 2 })).toBe(true);
    expect(await advance(store, sub, { created: 100, rank: 1 })).toBe(false);
    expect(await advance(store, sub, { created: 101, rank: 0 })).toBe(true);
    // Other subscriptions are independent.
    expect(await advance(store, `${sub}_b`, { created: 1, rank: 0 })).toBe(true);
  });
});

describe('PgBillingStore', () => {
  it('refuses to link one Stripe customer to two tenants', async () => {
    const store = new PgBillingStore(pg.db);
    const a = await newTenant('pg');
    const b = await newTenant('pg');
    await store.linkCustomer(a, 'cus_shared');
    await expect(store.linkCustomer(b, 'cus_shared')).rejects.toThrow(/another tenant/);
    expect(await store.getCustomerId(b)).toBeNull();
  });

  it('lets concurrent compare-and-sets end at the newest version', async () => {
    const store = new PgBillingStore(pg.db);
    const sub = `sub_race_${++seq}`;
    const versions = [5, 3, 9, 1, 7].map((created) => ({ created, rank: 1 }));
    await Promise.all(versions.map((v) => advance(store, sub, v)));
    expect(await advance(store, sub, { created: 8, rank: 2 })).toBe(false);
    expect(await advance(store, sub, { created: 9, rank: 1 })).toBe(true);
  });

  it('moves the reporting watermark forward only', async () => {
    const store = new PgBillingStore(pg.db);
    const tenantId = await newTenant('pg');
    expect(await store.getReportedUntil(tenantId)).toBeNull();
    const t1 = new Date('2026-03-10T12:00:00Z');
    const t2 = new Date('2026-03-10T14:00:00Z');
    expect(await store.advanceReportedUntil(tenantId, t1)).toBe(true);
    expect(await store.advanceReportedUntil(tenantId, t2)).toBe(true);
    expect(await store.advanceReportedUntil(tenantId, t1)).toBe(false);
    expect(await store.advanceReportedUntil(tenantId, t2)).toBe(false);
    expect(await store.getReportedUntil(tenantId)).toEqual(t2);
  });

  it('sums usage over shards per closed hour in [after, before)', async () => {
    const store = new PgBillingStore(pg.db);
    const tenantId = await newTenant('pg');
    const other = await newTenant('pg');
    const h = (hh: number) => new Date(`2026-03-10T${String(hh).padStart(2, '0')}:00:00Z`);
    await pg.addUsage(tenantId, h(9), 0, 50);
    await pg.addUsage(tenantId, h(10), 0, 5);
    await pg.addUsage(tenantId, h(10), 7, 6, 30);
    await pg.addUsage(tenantId, h(10), 15, 1);
    await pg.addUsage(tenantId, h(12), 3, 2);
    await pg.addUsage(tenantId, h(13), 3, 1000);
    await pg.addUsage(other, h(10), 0, 999);

    expect(await store.closedUsageWindows(tenantId, h(10), h(13))).toEqual([
      { from: h(10), to: h(11), messages: 12 },
      { from: h(12), to: h(13), messages: 2 },
    ]);
    expect(await store.closedUsageWindows(tenantId, h(14), h(15))).toEqual([]);
  });

  it('backs BillingService customers against stripe-mock', async () => {
    const { stripe, calls } = recordingStripe();
    const store = new PgBillingStore(pg.db);
    const service = new BillingService({
      stripe,
      store,
      plans: testPlans(),
      meterEventName: 'herald_messages',
    });
    const tenantId = await newTenant('pg');
    const tenant = { id: tenantId, name: 'Pg Acme' };
    const ids = await Promise.all([1, 2, 3].map(() => service.ensureCustomer(tenant)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^cus_/);
    expect(await store.getCustomerId(tenantId)).toBe(ids[0]);
    expect(await store.getTenantIdForCustomer(ids[0]!)).toBe(tenantId);
    expect(await service.ensureCustomer(tenant)).toBe(ids[0]);
    expect(calls.filter((c) => c.path === '/v1/customers')).toHaveLength(1);
  });
});
