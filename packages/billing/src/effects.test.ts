import { EFFECTIVE_PLAN_SQL } from '@herald/db';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgBillingEffects } from './effects';
import { PgBillingStore } from './pg-store';
import { startBillingTestDatabase, type BillingTestDatabase } from './testing/database';
import { testPlans } from './testing/fixtures';
import { handleStripeWebhook, type BillingWebhookCallbacks, type WebhookOutcome } from './webhooks';

const SECRET = 'whsec_effects_test';
const DAY = 86_400;
const TENANT = 'tnt_EFFECTS1';
const CUSTOMER = 'cus_effects_1';

let pg: BillingTestDatabase;
let store: PgBillingStore;
let seq = 0;

beforeAll(async () => {
  pg = await startBillingTestDatabase();
  store = new PgBillingStore(pg.db);
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  await pg.db.withSystem((m) =>
    m.query(`TRUNCATE tenants, stripe_events, subscription_versions CASCADE`),
  );
  await pg.createTenant(TENANT, { plan: 'free' });
  await store.linkCustomer(TENANT, CUSTOMER);
});

interface TenantState {
  plan: string;
  effective_plan: string;
  plan_source: string;
  stripe_subscription_id: string | null;
  subscription_status: string | null;
  grace_until: Date | null;
}

async function tenant(): Promise<TenantState> {
  const [row] = await pg.db.withSystem(
    (m) =>
      m.query(
        `SELECT plan, ${EFFECTIVE_PLAN_SQL} AS effective_plan, plan_source,
                stripe_subscription_id, subscription_status, grace_until
           FROM tenants WHERE id = $1`,
        [TENANT],
      ) as Promise<TenantState[]>,
  );
  return row!;
}

async function invoices() {
  return pg.db.withSystem(
    (m) =>
      m.query(
        `SELECT invoice_id, status, amount_cents::int AS amount_cents FROM billing_invoices
          WHERE tenant_id = $1 ORDER BY invoice_id`,
        [TENANT],
      ) as Promise<{ invoice_id: string; status: string; amount_cents: number }[]>,
  );
}

function event(type: string, object: Record<string, unknown>, created: number) {
  return { id: `evt_fx_${++seq}`, object: 'event', type, created, data: { object } };
}

const subscription = (status: string, id = 'sub_fx_1', extra: Record<string, unknown> = {}) => ({
  id,
  object: 'subscription',
  customer: CUSTOMER,
  status,
  cancel_at_period_end: false,
  metadata: { herald_tenant_id: TENANT, herald_plan: 'pro' },
  items: { data: [{ price: { id: 'price_test_pro_base' }, current_period_end: 1_800_000_000 }] },
  ...extra,
});

const invoice = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'invoice',
  customer: CUSTOMER,
  amount_paid: 4_950,
  amount_due: 4_950,
  currency: 'usd',
  attempt_count: 1,
  next_payment_attempt: null,
  period_start: 1_700_000_000,
  period_end: 1_702_592_000,
  parent: { subscription_details: { subscription: 'sub_fx_1', metadata: null } },
  ...extra,
});

async function deliver(
  body: ReturnType<typeof event>,
  callbacks: BillingWebhookCallbacks = new PgBillingEffects({ gracePeriodMs: 7 * DAY * 1000 }),
): Promise<WebhookOutcome> {
  const payload = JSON.stringify(body);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  return handleStripeWebhook(Buffer.from(payload), header, {
    webhookSecret: SECRET,
    events: store,
    customers: store,
    plans: testPlans(),
    callbacks,
  });
}

const checkout = (created: number) =>
  event(
    'checkout.session.completed',
    {
      id: 'cs_fx_1',
      object: 'checkout.session',
      customer: CUSTOMER,
      subscription: 'sub_fx_1',
      client_reference_id: TENANT,
      metadata: { herald_tenant_id: TENANT, herald_plan: 'pro' },
    },
    created,
  );

describe('Stripe webhooks applied to PostgreSQL', () => {
  it('upgrades on checkout, records the subscription, and processes a replay once', async () => {
    const completed = checkout(1_000);
    expect(await deliver(completed)).toMatchObject({ status: 'processed' });
    expect(await tenant()).toMatchObject({
      plan: 'pro',
      plan_source: 'stripe',
      stripe_subscription_id: 'sub_fx_1',
      subscription_status: 'active',
    });
    // An operator downgrade after that is not undone by a replay of the same event.
    await pg.db.withSystem((m) =>
      m.query(`UPDATE tenants SET plan = 'free' WHERE id = $1`, [TENANT]),
    );
    expect(await deliver(completed)).toMatchObject({ status: 'duplicate' });
    expect((await tenant()).plan).toBe('free');
  });

  it('ends on Free whatever order creation, update and deletion arrive in', async () => {
    const created = event('customer.subscription.created', subscription('active'), 1_000);
    const updated = event('customer.subscription.updated', subscription('active'), 1_010);
    const deleted = event('customer.subscription.deleted', subscription('canceled'), 1_020);
    // Deletion first, then the older news, then a late checkout completion.
    expect(await deliver(deleted)).toMatchObject({ status: 'processed' });
    expect(await deliver(updated)).toMatchObject({ status: 'stale' });
    expect(await deliver(created)).toMatchObject({ status: 'stale' });
    expect(await deliver(checkout(990))).toMatchObject({ status: 'processed' });
    expect(await tenant()).toMatchObject({ plan: 'free', subscription_status: 'canceled' });
  });

  it('does not let the end of an old subscription downgrade the current one', async () => {
    await deliver(event('customer.subscription.created', subscription('active', 'sub_old'), 1_000));
    await deliver(event('customer.subscription.created', subscription('active', 'sub_new'), 2_000));
    await deliver(
      event('customer.subscription.deleted', subscription('canceled', 'sub_old'), 3_000),
    );
    expect(await tenant()).toMatchObject({ plan: 'pro', stripe_subscription_id: 'sub_new' });
  });

  it('never overrides an operator-set plan', async () => {
    await pg.db.withSystem((m) =>
      m.query(`UPDATE tenants SET plan = 'enterprise', plan_source = 'operator' WHERE id = $1`, [
        TENANT,
      ]),
    );
    await deliver(event('customer.subscription.deleted', subscription('canceled'), 1_000));
    expect(await tenant()).toMatchObject({ plan: 'enterprise', plan_source: 'operator' });
  });

  it('starts a grace period on a failed payment, ends it on payment, and ignores a failure reported after the payment', async () => {
    const now = Math.floor(Date.now() / 1000);
    await deliver(event('customer.subscription.created', subscription('active'), now - 100));
    await deliver(event('invoice.payment_failed', invoice('in_fx_1'), now - 50));
    const failed = await tenant();
    expect(failed).toMatchObject({ plan: 'pro', effective_plan: 'pro' });
    expect(failed.grace_until!.getTime()).toBe((now - 50 + 7 * DAY) * 1000);
    expect(await invoices()).toEqual([
      { invoice_id: 'in_fx_1', status: 'payment_failed', amount_cents: 4_950 },
    ]);

    await deliver(event('invoice.paid', invoice('in_fx_1'), now - 40));
    expect((await tenant()).grace_until).toBeNull();
    expect(await invoices()).toEqual([
      { invoice_id: 'in_fx_1', status: 'paid', amount_cents: 4_950 },
    ]);

    // Stripe retries delivery of the older failure after the payment: nothing changes.
    await deliver(
      event('invoice.payment_failed', invoice('in_fx_1', { attempt_count: 2 }), now - 45),
    );
    expect((await tenant()).grace_until).toBeNull();
    expect((await invoices())[0]!.status).toBe('paid');
  });

  it('falls back to Free limits once the grace period has run out', async () => {
    const longAgo = Math.floor(Date.now() / 1000) - 30 * DAY;
    await deliver(event('customer.subscription.created', subscription('active'), longAgo));
    await deliver(event('invoice.payment_failed', invoice('in_fx_2'), longAgo + 10));
    expect(await tenant()).toMatchObject({ plan: 'pro', effective_plan: 'free' });
    // A later payment restores the paid plan's limits at once.
    await deliver(event('invoice.paid', invoice('in_fx_2'), longAgo + 20 * DAY));
    expect(await tenant()).toMatchObject({ plan: 'pro', effective_plan: 'pro', grace_until: null });
  });

  it('rolls back the effects and the event id together when applying fails, so the retry applies them', async () => {
    const effects = new PgBillingEffects({ gracePeriodMs: 1000 });
    const failing: BillingWebhookCallbacks = {
      checkoutCompleted: async (e, tx) => {
        await effects.checkoutCompleted(e, tx);
        throw new Error('database went away mid-way');
      },
      subscriptionChanged: (e, tx) => effects.subscriptionChanged(e, tx),
      invoicePaid: (e, tx) => effects.invoicePaid(e, tx),
      invoicePaymentFailed: (e, tx) => effects.invoicePaymentFailed(e, tx),
    };
    const completed = checkout(1_000);
    await expect(deliver(completed, failing)).rejects.toThrow('database went away');
    expect(await tenant()).toMatchObject({ plan: 'free', stripe_subscription_id: null });
    expect(await store.isProcessed(completed.id)).toBe(false);

    expect(await deliver(completed)).toMatchObject({ status: 'processed' });
    expect(await tenant()).toMatchObject({ plan: 'pro', stripe_subscription_id: 'sub_fx_1' });
    expect(await store.isProcessed(completed.id)).toBe(true);
  });

  it('records events for customers Herald does not know without failing', async () => {
    const stranger = event(
      'invoice.paid',
      invoice('in_stranger', { customer: 'cus_unknown', parent: null }),
      1_000,
    );
    expect(await deliver(stranger)).toMatchObject({ status: 'processed' });
    expect(await invoices()).toEqual([]);
  });
});
