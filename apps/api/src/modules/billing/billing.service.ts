import {
  BillingError,
  extrapolateUsage,
  projectedCost,
  type BillingService as StripeBilling,
  type PlanCatalog,
} from '@herald/billing-core';
import { monthlyMessageQuota, type PlanId, type PlanLimits } from '@herald/config';
import { EFFECTIVE_PLAN_SQL, SystemRepository, type Database } from '@herald/db';
import {
  BillingNotConfiguredError,
  HeraldError,
  NotFoundError,
  ValidationError,
} from '@herald/domain';
import { optionalHttpUrl, validateIdArg } from '../common/validate';
import type { Billing, BillingRedirect, Invoice } from './billing.type';

export interface BillingServiceDeps {
  db: Database;
  limits: PlanLimits;
  /** Prices and Stripe ids of the plans (projected cost, checkout). */
  catalog: PlanCatalog;
  /** The Stripe side; its `configured` is false without STRIPE_SECRET_KEY. */
  stripe: StripeBilling;
  /** Base of the portal's billing page, where Stripe sends the tenant back. */
  publicUrl: string;
}

interface TenantBillingRow {
  name: string;
  plan: PlanId;
  effective_plan: PlanId;
  subscription_status: string | null;
  cancel_at_period_end: boolean;
  grace_until: Date | null;
}

export class BillingService {
  constructor(private readonly deps: BillingServiceDeps) {}

  /** This calendar month's (UTC) plan, usage by day, quota, projected cost and invoices. */
  async summary(tenantId: string, now = new Date()): Promise<Billing> {
    const { db } = this.deps;
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const { tenant, rows } = await db.withTenant(tenantId, async (tx) => {
      const [tenant] = await tx.query<TenantBillingRow>(
        `SELECT name, plan, ${EFFECTIVE_PLAN_SQL} AS effective_plan, subscription_status,
                cancel_at_period_end, grace_until
           FROM tenants WHERE id = $1`,
        [tenantId],
      );
      if (!tenant) throw new NotFoundError('Tenant not found');
      const daily = await tx.query<{ day: string; messages: string; attempts: string }>(
        `SELECT to_char(date_trunc('day', hour AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                sum(messages) AS messages, sum(attempts) AS attempts
           FROM usage_counters WHERE tenant_id = $1 AND hour >= $2 AND hour < $3
          GROUP BY 1 ORDER BY 1`,
        [tenantId, periodStart, periodEnd],
      );
      const rows = daily.map((d) => ({
        day: d.day,
        messages: Number(d.messages),
        attempts: Number(d.attempts),
      }));
      return { tenant, rows };
    });
    const messages = rows.reduce((n, d) => n + d.messages, 0);
    const plan = this.deps.catalog[tenant.effective_plan];
    const cost = projectedCost(plan, { messages });
    const projectedMessages = extrapolateUsage(
      messages,
      { start: periodStart, end: periodEnd },
      now,
    );
    return {
      plan: tenant.effective_plan,
      subscribedPlan: tenant.plan,
      configured: this.deps.stripe.configured,
      subscriptionStatus: tenant.subscription_status,
      cancelAtPeriodEnd: tenant.cancel_at_period_end,
      graceUntil: tenant.grace_until,
      periodStart,
      periodEnd,
      messages,
      attempts: rows.reduce((n, d) => n + d.attempts, 0),
      quota: monthlyMessageQuota(tenant.effective_plan, this.deps.limits),
      quotaResetsAt: periodEnd,
      daily: rows,
      projectedCost: cost && {
        ...cost,
        projectedMessages,
        projectedTotalCents: projectedCost(plan, { messages: projectedMessages })!.totalCents,
      },
      invoices: await this.invoices(tenantId),
    };
  }

  /** A Stripe Checkout page that subscribes the tenant to a self-serve plan. */
  async createCheckoutSession(
    tenantId: string,
    plan: PlanId,
    urls: { successUrl?: string | null; cancelUrl?: string | null },
  ): Promise<BillingRedirect> {
    const stripe = this.requireStripe();
    const tenant = await this.billingTenant(tenantId);
    const page = `${this.deps.publicUrl}/billing`;
    const session = await this.callStripe(() =>
      stripe.createCheckoutSession(tenant, plan, {
        successUrl: optionalHttpUrl('successUrl', urls.successUrl) ?? `${page}?checkout=success`,
        cancelUrl: optionalHttpUrl('cancelUrl', urls.cancelUrl) ?? `${page}?checkout=canceled`,
      }),
    );
    if (!session.url) throw new HeraldError('Stripe returned a checkout session without a URL');
    return { id: session.id, url: session.url };
  }

  /** Stripe's billing portal: payment methods, invoices, cancellation. */
  async createBillingPortalSession(
    tenantId: string,
    returnTo?: string | null,
  ): Promise<BillingRedirect> {
    const stripe = this.requireStripe();
    const tenant = await this.billingTenant(tenantId);
    return this.callStripe(() =>
      stripe.createBillingPortalSession(
        tenant,
        optionalHttpUrl('returnUrl', returnTo) ?? `${this.deps.publicUrl}/billing`,
      ),
    );
  }

  /** Operator override of a tenant's plan (support, contracts, tests); webhooks leave it alone. */
  async setPlan(tenantId: string, plan: PlanId): Promise<PlanId> {
    validateIdArg('tenantId', tenantId, 'tnt');
    if (!['free', 'pro', 'enterprise'].includes(plan))
      throw new ValidationError('Unknown plan', { field: 'plan' });
    await this.deps.db.withSystem(async (m) => {
      if (!(await new SystemRepository(m).findTenant(tenantId)))
        throw new NotFoundError(`Tenant ${tenantId} not found`);
      await m.query(
        `UPDATE tenants SET plan = $2, plan_source = 'operator', grace_until = NULL,
                updated_at = now()
          WHERE id = $1`,
        [tenantId, plan],
      );
    });
    return plan;
  }

  private async invoices(tenantId: string): Promise<Invoice[]> {
    // Invoices are system data (no row-level security); the tenant id comes from the caller's
    // authentication, never from input.
    const rows = (await this.deps.db.withSystem((m) =>
      m.query(
        `SELECT invoice_id, status, amount_cents::int AS amount_cents, currency, period_start,
                period_end, created_at
           FROM billing_invoices WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 12`,
        [tenantId],
      ),
    )) as {
      invoice_id: string;
      status: string;
      amount_cents: number;
      currency: string;
      period_start: Date | null;
      period_end: Date | null;
      created_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.invoice_id,
      status: r.status,
      amountCents: r.amount_cents,
      currency: r.currency,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      createdAt: r.created_at,
    }));
  }

  private async billingTenant(tenantId: string) {
    const rows = (await this.deps.db.withSystem((m) =>
      m.query(
        `SELECT t.id, t.name,
                (SELECT u.email FROM members mb JOIN users u ON u.id = mb.user_id
                  WHERE mb.tenant_id = t.id AND mb.role = 'owner' AND mb.accepted_at IS NOT NULL
                  ORDER BY mb.created_at LIMIT 1) AS email
           FROM tenants t WHERE t.id = $1`,
        [tenantId],
      ),
    )) as { id: string; name: string; email: string | null }[];
    if (!rows[0]) throw new NotFoundError('Tenant not found');
    return rows[0];
  }

  private requireStripe(): StripeBilling {
    if (!this.deps.stripe.configured) throw new BillingNotConfiguredError();
    return this.deps.stripe;
  }

  /** Stripe's own failures become one generic error; the cause stays in the server log. */
  private async callStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof BillingError) {
        if (err.code === 'BAD_USER_INPUT') throw new ValidationError(err.message);
        if (err.code === 'BILLING_NOT_CONFIGURED') throw new BillingNotConfiguredError();
      }
      throw err;
    }
  }
}
