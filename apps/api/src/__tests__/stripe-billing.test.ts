import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, OPERATOR_TOKEN, startTestApi, type TestApi } from './harness';

/*
 * Billing through the API with Stripe configured (stripe-mock), and the "not configured" mode.
 * Stripe's side of things (requests, identifiers, webhooks) is tested in @herald/billing-core.
 */
let withStripe: TestApi;
let without: TestApi;
const QUOTA = 20;

function stripeMockUrl(): string {
  const url = process.env.HERALD_TEST_STRIPE_MOCK_URL;
  if (!url) throw new Error('HERALD_TEST_STRIPE_MOCK_URL is not set (globalSetup sets it)');
  return url;
}

beforeAll(async () => {
  [withStripe, without] = await Promise.all([
    startTestApi({
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_API_BASE: stripeMockUrl(),
      HERALD_FREE_MONTHLY_MESSAGES: String(QUOTA),
      HERALD_PUBLIC_URL: 'https://herald.example.test',
    }),
    startTestApi({ HERALD_FREE_MONTHLY_MESSAGES: String(QUOTA) }),
  ]);
});
afterAll(async () => {
  await withStripe?.stop();
  await without?.stop();
});

const CHECKOUT = `mutation($plan: Plan!, $s: String, $c: String) {
  createCheckoutSession(plan: $plan, successUrl: $s, cancelUrl: $c) { id url } }`;
const PORTAL = `mutation($r: String) { createBillingPortalSession(returnUrl: $r) { id url } }`;
const SEND_MANY = `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount } }`;

const batch = (n: number) => ({
  input: {
    messages: Array.from({ length: n }, (_, i) => ({
      application: 'a',
      eventType: 'x.y',
      payload: { i },
    })),
  },
});

async function customerOf(api: TestApi, tenantId: string): Promise<string | null> {
  const rows = await api.db.withSystem((m) =>
    m.query(`SELECT stripe_customer_id FROM billing_customers WHERE tenant_id = $1`, [tenantId]),
  );
  return rows[0]?.stripe_customer_id ?? null;
}

describe('checkout and the billing portal', () => {
  it('creates a Checkout session for Pro, creating and linking the Stripe customer once', async () => {
    const { tenantId, apiKey } = await withStripe.createTenant('Checkout Co');
    expect(await customerOf(withStripe, tenantId)).toBeNull();
    const first = (await withStripe.ok(CHECKOUT, { plan: 'pro' }, apiKey)).createCheckoutSession;
    expect(first.id).toMatch(/^cs_/);
    expect(first.url).toMatch(/^https?:\/\//);
    const customer = await customerOf(withStripe, tenantId);
    expect(customer).toMatch(/^cus_/);

    const second = (
      await withStripe.ok(
        CHECKOUT,
        { plan: 'pro', s: 'https://app.example.test/ok', c: 'https://app.example.test/no' },
        apiKey,
      )
    ).createCheckoutSession;
    expect(second.id).toMatch(/^cs_/);
    expect(await customerOf(withStripe, tenantId)).toBe(customer);

    const portal = (await withStripe.ok(PORTAL, {}, apiKey)).createBillingPortalSession;
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url).toMatch(/^https?:\/\//);
    expect(await customerOf(withStripe, tenantId)).toBe(customer);
  });

  it('refuses plans that are not self-serve, bad return URLs and roles without billing rights', async () => {
    const { tenantId, apiKey } = await withStripe.createTenant('Picky Co');
    expect(codeOf(await withStripe.gql(CHECKOUT, { plan: 'enterprise' }, apiKey))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await withStripe.gql(CHECKOUT, { plan: 'free' }, apiKey))).toBe('BAD_USER_INPUT');
    const badUrl = await withStripe.gql(
      CHECKOUT,
      { plan: 'pro', s: 'javascript:alert(1)' },
      apiKey,
    );
    expect(codeOf(badUrl)).toBe('BAD_USER_INPUT');
    expect(badUrl.errors?.[0].extensions?.field).toBe('successUrl');
    expect(codeOf(await withStripe.gql(PORTAL, { r: 'not a url' }, apiKey))).toBe('BAD_USER_INPUT');

    const developer = (
      await withStripe.ok(
        `mutation { createApiKey(input: { name: "dev", role: developer }) { key } }`,
        {},
        apiKey,
      )
    ).createApiKey.key;
    expect(codeOf(await withStripe.gql(CHECKOUT, { plan: 'pro' }, developer))).toBe('FORBIDDEN');
    expect(codeOf(await withStripe.gql(PORTAL, {}, developer))).toBe('FORBIDDEN');
    // Nothing reached Stripe for this tenant.
    expect(await customerOf(withStripe, tenantId)).toBeNull();
  });

  it('answers BILLING_NOT_CONFIGURED without a Stripe key, while the billing query still works', async () => {
    const { apiKey } = await without.createTenant('No Stripe Co');
    const checkout = await without.gql(CHECKOUT, { plan: 'pro' }, apiKey);
    expect(codeOf(checkout)).toBe('BILLING_NOT_CONFIGURED');
    expect(checkout.errors?.[0].message).toMatch(/not configured/);
    expect(codeOf(await without.gql(PORTAL, {}, apiKey))).toBe('BILLING_NOT_CONFIGURED');
    const { billing } = await without.ok(`query { billing { configured plan quota } }`, {}, apiKey);
    expect(billing).toEqual({ configured: false, plan: 'free', quota: QUOTA });
  });
});

describe('the billing query', () => {
  it('shows the projected cost of a Pro tenant and its invoices, newest first', async () => {
    const { tenantId, apiKey } = await withStripe.createTenant('Pro Co');
    await withStripe.ok(
      `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: pro) }`,
      { t: tenantId },
      OPERATOR_TOKEN,
    );
    await withStripe.ok(
      `mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`,
      {},
      apiKey,
    );
    await withStripe.ok(SEND_MANY, batch(30), apiKey);
    await withStripe.db.withSystem((m) =>
      m.query(
        `INSERT INTO billing_invoices (invoice_id, tenant_id, status, amount_cents, currency, created_at)
         VALUES ($1, $3, 'paid', 4950, 'usd', now() - interval '40 days'),
                ($2, $3, 'payment_failed', 5000, 'usd', now() - interval '10 days')`,
        ['in_old', 'in_new', tenantId],
      ),
    );
    const { billing } = await withStripe.ok(
      `query { billing { plan subscribedPlan configured quota messages
          projectedCost { currency baseCents usageCents totalCents projectedMessages projectedTotalCents }
          invoices { id status amountCents currency } } }`,
      {},
      apiKey,
    );
    expect(billing).toMatchObject({
      plan: 'pro',
      subscribedPlan: 'pro',
      configured: true,
      quota: null,
      messages: 30,
    });
    // Default Pro prices: $49 base + $0.50 per started 1,000 messages.
    expect(billing.projectedCost).toMatchObject({
      currency: 'usd',
      baseCents: 4900,
      usageCents: 50,
      totalCents: 4950,
    });
    expect(billing.projectedCost.projectedMessages).toBeGreaterThanOrEqual(30);
    expect(billing.projectedCost.projectedTotalCents).toBeGreaterThanOrEqual(4950);
    expect(billing.invoices).toEqual([
      { id: 'in_new', status: 'payment_failed', amountCents: 5000, currency: 'usd' },
      { id: 'in_old', status: 'paid', amountCents: 4950, currency: 'usd' },
    ]);
  });

  it('applies Free limits once the grace period after a failed payment has run out', async () => {
    const { tenantId, apiKey } = await withStripe.createTenant('Late Payer Co');
    await withStripe.ok(
      `mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`,
      {},
      apiKey,
    );
    // As the webhooks leave it: Pro from Stripe, past due, grace over yesterday.
    await withStripe.db.withSystem((m) =>
      m.query(
        `UPDATE tenants SET plan = 'pro', plan_source = 'stripe', subscription_status = 'past_due',
                grace_until = now() - interval '1 day' WHERE id = $1`,
        [tenantId],
      ),
    );
    await withStripe.ok(SEND_MANY, batch(QUOTA), apiKey);
    expect(codeOf(await withStripe.gql(SEND_MANY, batch(1), apiKey))).toBe('PLAN_LIMIT_EXCEEDED');
    const { billing } = await withStripe.ok(
      `query { billing { plan subscribedPlan subscriptionStatus graceUntil quota } }`,
      {},
      apiKey,
    );
    expect(billing).toMatchObject({
      plan: 'free',
      subscribedPlan: 'pro',
      subscriptionStatus: 'past_due',
      quota: QUOTA,
    });
    expect(new Date(billing.graceUntil).getTime()).toBeLessThan(Date.now());

    // The operator's override lifts it at once.
    await withStripe.ok(
      `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: pro) }`,
      { t: tenantId },
      OPERATOR_TOKEN,
    );
    expect((await withStripe.ok(SEND_MANY, batch(5), apiKey)).sendMessages.createdCount).toBe(5);
  });
});
