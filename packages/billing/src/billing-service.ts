import type { Logger } from '@herald/observability';
import type Stripe from 'stripe';
import { BillingError, BillingNotConfiguredError } from './errors';
import { checkoutLineItems, type PlanCatalog, type PlanId } from './plans';
import type { BillingStore } from './store';

export interface BillingTenant {
  id: string;
  name: string;
  email?: string | null;
}

export interface UsageWindow {
  /** Inclusive start of the window (normally an hour boundary). */
  from: Date;
  /** Exclusive end of the window. */
  to: Date;
  /** Billed messages accepted in [from, to). */
  messages: number;
}

export type UsageReport =
  | { status: 'sent'; identifier: string; eventName: string; value: number }
  | { status: 'skipped'; reason: 'not_configured' | 'no_usage'; identifier: string };

export interface BillingServiceDeps {
  /** null = "not configured" mode (no STRIPE_SECRET_KEY). */
  stripe: Stripe | null;
  store: BillingStore;
  plans: PlanCatalog;
  meterEventName: string;
  logger?: Logger;
}

/** Metadata keys Herald puts on Stripe objects so webhooks can find the tenant and plan. */
export const TENANT_METADATA_KEY = 'herald_tenant_id';
export const PLAN_METADATA_KEY = 'herald_plan';

/**
 * A meter event identifier that depends only on the tenant and the window, so reporting the same
 * window again (a retry, a crash before the watermark moved) is deduplicated by Stripe instead of
 * billing twice. Stripe allows up to 100 characters.
 */
export function meterEventIdentifier(tenantId: string, window: { from: Date; to: Date }): string {
  const from = Math.floor(window.from.getTime() / 1000);
  const to = Math.floor(window.to.getTime() / 1000);
  return `${tenantId}:${from}-${to}`;
}

export class BillingService {
  private readonly pendingCustomers = new Map<string, Promise<string>>();

  constructor(private readonly deps: BillingServiceDeps) {}

  /** false in "not configured" mode: the API says so and Stripe calls are skipped. */
  get configured(): boolean {
    return this.deps.stripe !== null;
  }

  /** The Stripe customer of a tenant, created and linked on first need. */
  async ensureCustomer(tenant: BillingTenant): Promise<string> {
    const stripe = this.requireStripe();
    const existing = await this.deps.store.getCustomerId(tenant.id);
    if (existing) return existing;
    // Single-flight per tenant within this process; across processes the idempotency key makes
    // Stripe return the same customer, and linkCustomer keeps the first link.
    let pending = this.pendingCustomers.get(tenant.id);
    if (!pending) {
      pending = (async () => {
        const customer = await stripe.customers.create(
          {
            name: tenant.name,
            ...(tenant.email ? { email: tenant.email } : {}),
            metadata: { [TENANT_METADATA_KEY]: tenant.id },
          },
          { idempotencyKey: `herald-customer:${tenant.id}` },
        );
        const linked = await this.deps.store.linkCustomer(tenant.id, customer.id);
        this.deps.logger?.info('stripe customer linked', {
          tenantId: tenant.id,
          customerId: linked,
        });
        return linked;
      })().finally(() => this.pendingCustomers.delete(tenant.id));
      this.pendingCustomers.set(tenant.id, pending);
    }
    return pending;
  }

  /** A Stripe Checkout session (subscription mode) for a self-serve plan. */
  async createCheckoutSession(
    tenant: BillingTenant,
    planId: PlanId,
    urls: { successUrl: string; cancelUrl: string },
  ): Promise<{ id: string; url: string | null }> {
    const stripe = this.requireStripe();
    const plan = this.deps.plans[planId];
    if (!plan || plan.pricing.kind !== 'metered') {
      throw new BillingError(
        'BAD_USER_INPUT',
        `Plan "${planId}" cannot be bought through checkout; contact sales for Enterprise`,
      );
    }
    const customer = await this.ensureCustomer(tenant);
    const metadata = { [TENANT_METADATA_KEY]: tenant.id, [PLAN_METADATA_KEY]: plan.id };
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: tenant.id,
      line_items: checkoutLineItems(plan),
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      metadata,
      subscription_data: { metadata },
    });
    return { id: session.id, url: session.url };
  }

  /** A Stripe Billing Portal session where the tenant manages payment methods and invoices. */
  async createBillingPortalSession(
    tenant: BillingTenant,
    returnUrl: string,
  ): Promise<{ id: string; url: string }> {
    const stripe = this.requireStripe();
    const customer = await this.ensureCustomer(tenant);
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl });
    return { id: session.id, url: session.url };
  }

  /**
   * Sends one meter event for a tenant's usage in a window. Safe to repeat: the identifier is
   * derived from the window, so Stripe counts a window once. The caller advances its watermark
   * only after this resolves with `sent` (or `skipped`).
   *
   * A window must be closed (no more usage will be counted into it) before it is reported:
   * Stripe ignores a second event with the same identifier, so late counts would be lost.
   */
  async reportUsage(tenant: BillingTenant, window: UsageWindow): Promise<UsageReport> {
    if (!(window.from.getTime() < window.to.getTime())) {
      throw new BillingError('BAD_USER_INPUT', 'usage window must have from < to');
    }
    if (!Number.isInteger(window.messages) || window.messages < 0) {
      throw new BillingError('BAD_USER_INPUT', 'usage must be a non-negative integer');
    }
    const identifier = meterEventIdentifier(tenant.id, window);
    if (!this.deps.stripe) return { status: 'skipped', reason: 'not_configured', identifier };
    if (window.messages === 0) return { status: 'skipped', reason: 'no_usage', identifier };

    const customer = await this.ensureCustomer(tenant);
    const eventName = this.deps.meterEventName;
    const value = window.messages;
    await this.deps.stripe.billing.meterEvents.create(
      {
        event_name: eventName,
        identifier,
        // Attributed to the window's start, so a window is billed in the period it belongs to.
        timestamp: Math.floor(window.from.getTime() / 1000),
        payload: { stripe_customer_id: customer, value: String(value) },
      },
      { idempotencyKey: `herald-meter:${identifier}` },
    );
    this.deps.logger?.debug('usage reported', { tenantId: tenant.id, identifier, value });
    return { status: 'sent', identifier, eventName, value };
  }

  private requireStripe(): Stripe {
    if (!this.deps.stripe) throw new BillingNotConfiguredError();
    return this.deps.stripe;
  }
}
