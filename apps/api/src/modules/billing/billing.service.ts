import {
  BillingError,
  extrapolateUsage,
  projectedCost,
  type BillingService as StripeBilling,
  type PlanCatalog,
} from '@herald/billing-core';
import { monthlyMessageQuota, type PlanId, type PlanLimits } from '@herald/config';
import {
  BillingAccountRepository,
  BillingSystemRepository,
  SystemRepository,
  type Database,
} from '@herald/db';
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

export class BillingService {
  constructor(private readonly deps: BillingServiceDeps) {}

  /** This calendar month's (UTC) plan, usage by day, quota, projected cost and invoices. */
  async summary(tenantId: string, now = new Date()): Promise<Billing> {
    const { db } = this.deps;
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const { tenant, rows } = await db.withTenant(tenantId, async (tx) => {
      const repo = new BillingAccountRepository(tx);
      const tenant = await repo.account();
      if (!tenant) throw new NotFoundError('Tenant not found');
      return { tenant, rows: await repo.dailyUsage(periodStart, periodEnd) };
    });
    const messages = rows.reduce((n, d) => n + d.messages, 0);
    const plan = this.deps.catalog[tenant.effectivePlan];
    const cost = projectedCost(plan, { messages });
    const projectedMessages = extrapolateUsage(
      messages,
      { start: periodStart, end: periodEnd },
      now,
    );
    return {
      plan: tenant.effectivePlan,
      subscribedPlan: tenant.plan,
      configured: this.deps.stripe.configured,
      subscriptionStatus: tenant.subscriptionStatus,
      cancelAtPeriodEnd: tenant.cancelAtPeriodEnd,
      graceUntil: tenant.graceUntil,
      periodStart,
      periodEnd,
      messages,
      attempts: rows.reduce((n, d) => n + d.attempts, 0),
      quota: monthlyMessageQuota(tenant.effectivePlan, this.deps.limits),
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
      await new BillingSystemRepository(m).setOperatorPlan(tenantId, plan);
    });
    return plan;
  }

  private invoices(tenantId: string): Promise<Invoice[]> {
    // Invoices are system data (no row-level security); the tenant id comes from the caller's
    // authentication, never from input.
    return this.deps.db.withSystem((m) => new BillingSystemRepository(m).invoices(tenantId, 12));
  }

  private async billingTenant(tenantId: string) {
    const contact = await this.deps.db.withSystem((m) =>
      new BillingSystemRepository(m).contact(tenantId),
    );
    if (!contact) throw new NotFoundError('Tenant not found');
    return contact;
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
