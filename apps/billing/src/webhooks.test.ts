import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBillingServer } from './server';
import {
  definePlans,
  MemoryBillingStore,
  type BillingWebhookCallbacks,
  type CheckoutCompleted,
  type InvoicePaid,
  type InvoicePaymentFailed,
  type SubscriptionChanged,
  type WebhookEventStore,
} from '@herald/billing-core';

const testPlans = () =>
  definePlans({
    freeMonthlyMessages: 10_000,
    proBasePriceId: 'price_test_pro_base',
    proMeteredPriceId: 'price_test_pro_metered',
    proBaseAmountCents: 4_900,
    proPer1000AmountCents: 50,
    meterEventName: 'herald_messages',
  });

const SECRET = 'whsec_test_secret';
let server: http.Server;
let baseUrl: string;
let store: MemoryBillingStore;
let received: {
  checkout: CheckoutCompleted[];
  subscriptions: SubscriptionChanged[];
  paid: InvoicePaid[];
  failed: InvoicePaymentFailed[];
};
let failNextCallback = false;

const callbacks: BillingWebhookCallbacks = {
  checkoutCompleted: async (e) => {
    maybeFail();
    received.checkout.push(e);
  },
  subscriptionChanged: async (e) => {
    maybeFail();
    received.subscriptions.push(e);
  },
  invoicePaid: async (e) => {
    maybeFail();
    received.paid.push(e);
  },
  invoicePaymentFailed: async (e) => {
    maybeFail();
    received.failed.push(e);
  },
};

/** Simulates a failing side effect (e.g. the database) once. */
function maybeFail(): void {
  if (failNextCallback) {
    failNextCallback = false;
    throw new Error('database unavailable');
  }
}

beforeAll(async () => {
  // Stores are swapped per test through these indirections; the server lives for the file.
  const events: WebhookEventStore = {
    processOnce: (id, apply) => store.processOnce(id, apply),
    advanceSubscriptionVersion: (tx, id, version) =>
      store.advanceSubscriptionVersion(tx, id, version),
  };
  server = createBillingServer({
    stripeConfigured: true,
    webhook: {
      webhookSecret: SECRET,
      events,
      customers: { getTenantIdForCustomer: (id) => store.getTenantIdForCustomer(id) },
      plans: testPlans(),
      callbacks,
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

beforeEach(async () => {
  store = new MemoryBillingStore();
  await store.linkCustomer('ten_acme', 'cus_acme');
  received = { checkout: [], subscriptions: [], paid: [], failed: [] };
  failNextCallback = false;
});

let seq = 0;
function event(type: string, object: Record<string, unknown>, created: number) {
  return { id: `evt_test_${++seq}`, object: 'event', type, created, data: { object } };
}

function subscription(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_acme',
    status,
    cancel_at_period_end: false,
    metadata: {},
    items: {
      object: 'list',
      data: [{ price: { id: 'price_test_pro_base' }, current_period_end: 1_800_000_000 }],
    },
    ...extra,
  };
}

async function post(
  body: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret: options.secret ?? SECRET,
          timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
        })
      : options.signature;
  if (signature !== null) headers['stripe-signature'] = signature;
  const res = await fetch(`${baseUrl}/stripe/webhook`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const now = () => Math.floor(Date.now() / 1000);

describe('POST /stripe/webhook', () => {
  it('accepts a valid checkout.session.completed and dispatches it', async () => {
    const body = JSON.stringify(
      event(
        'checkout.session.completed',
        {
          id: 'cs_1',
          object: 'checkout.session',
          client_reference_id: 'ten_acme',
          customer: 'cus_acme',
          subscription: 'sub_1',
          metadata: { herald_tenant_id: 'ten_acme', herald_plan: 'pro' },
        },
        now(),
      ),
    );
    const res = await post(body);
    expect(res).toEqual({
      status: 200,
      body: expect.objectContaining({ received: true, status: 'processed' }),
    });
    expect(received.checkout).toEqual([
      expect.objectContaining({
        tenantId: 'ten_acme',
        customerId: 'cus_acme',
        subscriptionId: 'sub_1',
        planId: 'pro',
      }),
    ]);
  });

  it('refuses a tampered body with 400 and dispatches nothing', async () => {
    const original = JSON.stringify(
      event('invoice.paid', { id: 'in_1', customer: 'cus_acme' }, now()),
    );
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: original,
      secret: SECRET,
    });
    const tampered = original.replace('cus_acme', 'cus_evil');
    expect((await post(tampered, { signature })).status).toBe(400);
    expect((await post(original, { signature: null })).status).toBe(400);
    expect((await post(original, { signature: 'garbage' })).status).toBe(400);
    expect(received.paid).toEqual([]);
  });

  it('refuses a body signed with another secret', async () => {
    const body = JSON.stringify(event('invoice.paid', { id: 'in_1', customer: 'cus_acme' }, now()));
    const res = await post(body, { secret: 'whsec_someone_else' });
    expect(res).toEqual({ status: 400, body: { error: 'invalid signature' } });
    expect(received.paid).toEqual([]);
  });

  it('refuses a signature older than the tolerance (replay of a captured request)', async () => {
    const body = JSON.stringify(event('invoice.paid', { id: 'in_1', customer: 'cus_acme' }, now()));
    expect((await post(body, { timestamp: now() - 301 })).status).toBe(400);
    expect((await post(body, { timestamp: now() - 60 })).status).toBe(200);
    expect(received.paid).toHaveLength(1);
  });

  it('processes a redelivered event once and answers 200 to the duplicate', async () => {
    const body = JSON.stringify(
      event(
        'invoice.paid',
        {
          id: 'in_1',
          object: 'invoice',
          customer: 'cus_acme',
          amount_paid: 5_000,
          currency: 'usd',
          period_start: 1_700_000_000,
          period_end: 1_702_592_000,
          parent: { subscription_details: { subscription: 'sub_1', metadata: {} } },
        },
        now(),
      ),
    );
    const first = await post(body);
    const second = await post(body);
    const third = await post(body, { timestamp: now() - 5 }); // re-signed redelivery
    expect(first.body.status).toBe('processed');
    expect([second.status, second.body.status]).toEqual([200, 'duplicate']);
    expect([third.status, third.body.status]).toEqual([200, 'duplicate']);
    expect(received.paid).toEqual([
      expect.objectContaining({
        tenantId: 'ten_acme',
        invoiceId: 'in_1',
        subscriptionId: 'sub_1',
        amountPaidCents: 5_000,
      }),
    ]);
  });

  it('ignores an older subscription update that arrives after a newer one', async () => {
    const t = now();
    const newer = event('customer.subscription.updated', subscription('past_due'), t);
    const older = event('customer.subscription.updated', subscription('active'), t - 60);
    const created = event('customer.subscription.created', subscription('incomplete'), t - 120);

    expect((await post(JSON.stringify(newer))).body.status).toBe('processed');
    expect((await post(JSON.stringify(older))).body.status).toBe('stale');
    expect((await post(JSON.stringify(created))).body.status).toBe('stale');
    expect(received.subscriptions).toEqual([
      expect.objectContaining({
        type: 'updated',
        status: 'past_due',
        tenantId: 'ten_acme',
        planId: 'pro',
        currentPeriodEnd: 1_800_000_000,
      }),
    ]);
  });

  it('lets a deletion win over an update from the same second', async () => {
    const t = now();
    const deleted = event('customer.subscription.deleted', subscription('canceled'), t);
    const updated = event('customer.subscription.updated', subscription('active'), t);
    expect((await post(JSON.stringify(deleted))).body.status).toBe('processed');
    expect((await post(JSON.stringify(updated))).body.status).toBe('stale');
    expect(received.subscriptions.map((s) => [s.type, s.status])).toEqual([
      ['deleted', 'canceled'],
    ]);
  });

  it('dispatches invoice.payment_failed with the retry schedule', async () => {
    const body = JSON.stringify(
      event(
        'invoice.payment_failed',
        {
          id: 'in_2',
          object: 'invoice',
          customer: 'cus_acme',
          amount_due: 5_000,
          currency: 'usd',
          attempt_count: 2,
          next_payment_attempt: 1_750_000_000,
          parent: null,
        },
        now(),
      ),
    );
    expect((await post(body)).status).toBe(200);
    expect(received.failed).toEqual([
      expect.objectContaining({
        tenantId: 'ten_acme',
        invoiceId: 'in_2',
        subscriptionId: null,
        attemptCount: 2,
        nextPaymentAttempt: 1_750_000_000,
      }),
    ]);
  });

  it('answers 500 when handling fails, and processes Stripe’s retry of the same event', async () => {
    const body = JSON.stringify(event('invoice.paid', { id: 'in_3', customer: 'cus_acme' }, now()));
    failNextCallback = true;
    expect((await post(body)).status).toBe(500);
    const retry = await post(body);
    expect([retry.status, retry.body.status]).toEqual([200, 'processed']);
    expect(received.paid).toHaveLength(1);
  });

  it('acknowledges event types billing does not handle', async () => {
    const body = JSON.stringify(event('customer.created', { id: 'cus_x' }, now()));
    expect((await post(body)).body.status).toBe('ignored');
  });
});

describe('billing server', () => {
  it('answers /healthz and 404/405 elsewhere', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true, stripe: 'configured' }]);
    expect((await fetch(`${baseUrl}/stripe/webhook`)).status).toBe(405);
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });

  it('refuses webhooks with 503 when no webhook secret is configured', async () => {
    const bare = createBillingServer({
      stripeConfigured: false,
      webhook: {
        webhookSecret: null,
        events: store,
        customers: store,
        plans: testPlans(),
        callbacks,
      },
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      const res = await fetch(`${url}/stripe/webhook`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({
        ok: true,
        stripe: 'not_configured',
      });
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });

  it('answers /readyz from its readiness check and counts webhooks on /metrics', async () => {
    let failing = false;
    const probed = createBillingServer({
      stripeConfigured: true,
      ready: async () => {
        if (failing) throw new Error('database unreachable');
      },
      webhook: {
        webhookSecret: SECRET,
        events: store,
        customers: store,
        plans: testPlans(),
        callbacks,
      },
    });
    await new Promise<void>((resolve) => probed.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(probed.address() as AddressInfo).port}`;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      failing = true;
      const down = await fetch(`${url}/readyz`);
      expect([down.status, await down.json()]).toEqual([
        503,
        { ok: false, error: 'database unreachable' },
      ]);
      // A refused (badly signed) webhook is counted.
      const count = async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith('herald_billing_webhooks_total{result="refused"}'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const before = await count();
      await fetch(`${url}/stripe/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': 't=1,v1=bad' },
        body: '{}',
      });
      expect(await count()).toBe(before + 1);
    } finally {
      await new Promise((resolve) => probed.close(resolve));
    }
  });
});
