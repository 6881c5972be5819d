import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { BillingService, meterEventIdentifier, type BillingTenant } from './billing-service';
import { BillingError, BillingNotConfiguredError } from './errors';
import { MemoryBillingStore } from './store';
import { createStripe } from './stripe-client';
import { recordingStripe, stripeMockUrl, testPlans } from './testing/fixtures';

const tenant: BillingTenant = { id: 'ten_01TESTACME', name: 'Acme', email: 'billing@acme.test' };
const hour = { from: new Date('2026-03-10T14:00:00Z'), to: new Date('2026-03-10T15:00:00Z') };
const hourStart = Date.parse('2026-03-10T14:00:00Z') / 1000;

function setup(stripe: Stripe | null, store = new MemoryBillingStore()) {
  const service = new BillingService({
    stripe,
    store,
    plans: testPlans(),
    meterEventName: 'herald_messages',
  });
  return { service, store };
}

describe('createStripe', () => {
  it('returns null without a secret key ("not configured")', () => {
    expect(createStripe({ secretKey: null })).toBeNull();
    expect(createStripe({ secretKey: '' })).toBeNull();
  });

  it('points the client at stripe-mock', async () => {
    const { stripe, calls } = recordingStripe();
    const customer = await stripe.customers.create({ name: 'probe' });
    expect(customer.id).toMatch(/^cus_/);
    expect(calls).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/customers' })]);
    expect(calls[0]!.status).toBe(200);
  });
});

describe('BillingService against stripe-mock', () => {
  it('creates the customer on first need, links it, and reuses it afterwards', async () => {
    const { stripe, calls } = recordingStripe();
    const { service, store } = setup(stripe);

    const first = await service.ensureCustomer(tenant);
    expect(first).toMatch(/^cus_/);
    expect(await store.getCustomerId(tenant.id)).toBe(first);
    expect(await store.getTenantIdForCustomer(first)).toBe(tenant.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/customers',
      idempotencyKey: `herald-customer:${tenant.id}`,
      body: { name: 'Acme', email: 'billing@acme.test', metadata: { herald_tenant_id: tenant.id } },
    });

    expect(await service.ensureCustomer(tenant)).toBe(first);
    await service.createBillingPortalSession(tenant, 'https://app.test/billing');
    expect(calls.filter((c) => c.path === '/v1/customers')).toHaveLength(1);
  });

  it('creates one customer when first needs race', async () => {
    const { stripe, calls } = recordingStripe();
    const { service } = setup(stripe);
    const ids = await Promise.all([1, 2, 3].map(() => service.ensureCustomer(tenant)));
    expect(new Set(ids).size).toBe(1);
    expect(calls.filter((c) => c.path === '/v1/customers')).toHaveLength(1);
  });

  it('creates a subscription-mode checkout session with the plan prices', async () => {
    const { stripe, calls } = recordingStripe();
    const { service, store } = setup(stripe);
    const session = await service.createCheckoutSession(tenant, 'pro', {
      successUrl: 'https://app.test/billing?ok=1',
      cancelUrl: 'https://app.test/billing',
    });
    expect(session.id).toMatch(/^cs_/);

    const customerId = await store.getCustomerId(tenant.id);
    expect(calls.map((c) => c.path)).toEqual(['/v1/customers', '/v1/checkout/sessions']);
    expect(calls[1]!.status).toBe(200);
    expect(calls[1]!.body).toEqual({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: tenant.id,
      line_items: [
        { price: 'price_test_pro_base', quantity: 1 },
        { price: 'price_test_pro_metered' },
      ],
      success_url: 'https://app.test/billing?ok=1',
      cancel_url: 'https://app.test/billing',
      metadata: { herald_tenant_id: tenant.id, herald_plan: 'pro' },
      subscription_data: { metadata: { herald_tenant_id: tenant.id, herald_plan: 'pro' } },
    });
  });

  it('refuses checkout for plans that are not self-serve, before calling Stripe', async () => {
    const { stripe, calls } = recordingStripe();
    const { service } = setup(stripe);
    for (const plan of ['free', 'enterprise'] as const) {
      await expect(
        service.createCheckoutSession(tenant, plan, {
          successUrl: 'https://a',
          cancelUrl: 'https://b',
        }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(calls).toEqual([]);
  });

  it('creates a billing portal session for the tenant customer', async () => {
    const { stripe, calls } = recordingStripe();
    const { service, store } = setup(stripe);
    const session = await service.createBillingPortalSession(tenant, 'https://app.test/billing');
    expect(session.id).toMatch(/^bps_/);
    expect(session.url).toMatch(/^https?:\/\//);
    expect(calls[1]).toMatchObject({
      method: 'POST',
      path: '/v1/billing_portal/sessions',
      status: 200,
      body: {
        customer: await store.getCustomerId(tenant.id),
        return_url: 'https://app.test/billing',
      },
    });
  });

  it('reports usage as a meter event with a deterministic identifier', async () => {
    const { stripe, calls } = recordingStripe();
    const { service, store } = setup(stripe);
    const report = await service.reportUsage(tenant, { ...hour, messages: 1234 });
    const identifier = `${tenant.id}:${hourStart}-${hourStart + 3600}`;
    expect(report).toEqual({
      status: 'sent',
      identifier,
      eventName: 'herald_messages',
      value: 1234,
    });

    const meterCalls = calls.filter((c) => c.path === '/v1/billing/meter_events');
    expect(meterCalls).toHaveLength(1);
    expect(meterCalls[0]).toMatchObject({
      method: 'POST',
      status: 200,
      idempotencyKey: `herald-meter:${identifier}`,
      body: {
        event_name: 'herald_messages',
        identifier,
        timestamp: hourStart,
        payload: { stripe_customer_id: await store.getCustomerId(tenant.id), value: '1234' },
      },
    });
  });

  it('sends no meter event for an empty window', async () => {
    const { stripe, calls } = recordingStripe();
    const { service } = setup(stripe);
    const report = await service.reportUsage(tenant, { ...hour, messages: 0 });
    expect(report).toMatchObject({ status: 'skipped', reason: 'no_usage' });
    expect(calls).toEqual([]);
  });

  it('rejects malformed windows', async () => {
    const { service } = setup(recordingStripe().stripe);
    await expect(
      service.reportUsage(tenant, { from: hour.to, to: hour.from, messages: 1 }),
    ).rejects.toBeInstanceOf(BillingError);
    await expect(service.reportUsage(tenant, { ...hour, messages: 1.5 })).rejects.toBeInstanceOf(
      BillingError,
    );
  });

  it('reuses the identifier when reporting is retried after a lost response or a crash', async () => {
    // Meter events reach stripe-mock but their responses are "lost", as if the connection dropped
    // or the process died after Stripe accepted them: first a reset connection (which the Stripe
    // client itself retries once), then a plain failure that reaches the caller.
    const real = Stripe.createNodeHttpClient();
    const losses = [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      new Error('response lost'),
    ];
    const flaky = Object.assign(Object.create(real) as typeof real, {
      makeRequest: async (...args: Parameters<typeof real.makeRequest>) => {
        const res = await real.makeRequest(...args);
        const loss = args[2].startsWith('/v1/billing/meter_events') ? losses.shift() : undefined;
        if (loss) throw loss;
        return res;
      },
    });
    const store = new MemoryBillingStore();
    const a = recordingStripe({ httpClient: flaky });
    const first = setup(a.stripe, store).service;
    await expect(first.reportUsage(tenant, { ...hour, messages: 77 })).rejects.toThrow();
    // The caller retries (its watermark did not move): same window, same identifier.
    const retried = await first.reportUsage(tenant, { ...hour, messages: 77 });

    // A restarted process (new client, new service, same store) reports the window again.
    const b = recordingStripe();
    const restarted = await setup(b.stripe, store).service.reportUsage(tenant, {
      ...hour,
      messages: 77,
    });

    const sent = [...a.calls, ...b.calls].filter((c) => c.path === '/v1/billing/meter_events');
    // client retry + caller retry + restart: four sends, all one event as far as Stripe is concerned
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((c) => c.body.identifier))).toEqual(
      new Set([meterEventIdentifier(tenant.id, hour)]),
    );
    expect(new Set(sent.map((c) => c.idempotencyKey))).toEqual(
      new Set([`herald-meter:${meterEventIdentifier(tenant.id, hour)}`]),
    );
    expect(sent.map((c) => (c.body.payload as Record<string, string>).value)).toEqual([
      '77',
      '77',
      '77',
      '77',
    ]);
    expect(retried).toEqual(restarted);
    // Only one customer was ever created for the tenant across the "crash".
    expect([...a.calls, ...b.calls].filter((c) => c.path === '/v1/customers')).toHaveLength(1);
  });

  it('gives different windows and tenants different identifiers', () => {
    const next = { from: hour.to, to: new Date(hour.to.getTime() + 3_600_000) };
    expect(meterEventIdentifier(tenant.id, hour)).not.toBe(meterEventIdentifier(tenant.id, next));
    expect(meterEventIdentifier(tenant.id, hour)).not.toBe(meterEventIdentifier('ten_other', hour));
    expect(meterEventIdentifier(tenant.id, hour).length).toBeLessThanOrEqual(100);
  });
});

describe('BillingService in "not configured" mode', () => {
  it('says so, skips usage reporting and refuses Stripe-only actions without any request', async () => {
    const { service } = setup(createStripe({ secretKey: null, apiBase: stripeMockUrl() }));
    expect(service.configured).toBe(false);
    expect(await service.reportUsage(tenant, { ...hour, messages: 10 })).toEqual({
      status: 'skipped',
      reason: 'not_configured',
      identifier: meterEventIdentifier(tenant.id, hour),
    });
    await expect(service.ensureCustomer(tenant)).rejects.toBeInstanceOf(BillingNotConfiguredError);
    await expect(
      service.createCheckoutSession(tenant, 'pro', {
        successUrl: 'https://a',
        cancelUrl: 'https://b',
      }),
    ).rejects.toMatchObject({ code: 'BILLING_NOT_CONFIGURED' });
    await expect(
      service.createBillingPortalSession(tenant, 'https://app.test'),
    ).rejects.toBeInstanceOf(BillingNotConfiguredError);
  });
});
