import type { Logger } from '@herald/observability';
import type { BillingTx } from './store';
import type {
  BillingWebhookCallbacks,
  CheckoutCompleted,
  InvoicePaid,
  InvoicePaymentFailed,
  SubscriptionChanged,
} from './webhooks';

/** Stripe subscription states in which the tenant has (or keeps, for now) its paid plan. */
const PAYING = new Set(['active', 'trialing', 'past_due']);

export interface BillingEffectsOptions {
  /** How long a paid plan survives a failed payment before Free limits apply. */
  gracePeriodMs: number;
  logger?: Logger;
}

/**
 * Stripe's news applied to PostgreSQL, inside the transaction that records the event (see
 * WebhookEventStore.processOnce). Every rule is written so that the final state does not depend
 * on the order Stripe delivers events in:
 * - subscription events are authoritative (their versions are ordered by handleStripeWebhook);
 *   checkout completion only fills in a plan while no subscription event has been seen;
 * - an operator's plan (plan_source = 'operator') is never overwritten;
 * - a subscription that is not the tenant's current one cannot downgrade it;
 * - an invoice only moves towards 'paid', and a grace period starts from the failure's own
 *   time (the event's), not from when it happened to arrive.
 */
export class PgBillingEffects implements BillingWebhookCallbacks {
  constructor(private readonly options: BillingEffectsOptions) {}

  async checkoutCompleted(event: CheckoutCompleted, tx: BillingTx): Promise<void> {
    if (!event.tenantId) return this.unknownTenant('checkout.session.completed', event.eventId);
    if (event.customerId) {
      await tx.query(
        `INSERT INTO billing_customers (tenant_id, stripe_customer_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING`,
        [event.tenantId, event.customerId],
      );
    }
    if (!event.subscriptionId || !event.planId) return;
    await tx.query(
      `UPDATE tenants
          SET plan = $2, plan_source = 'stripe', stripe_subscription_id = $3,
              subscription_status = coalesce(subscription_status, 'active'), updated_at = now()
        WHERE id = $1 AND plan_source <> 'operator'
          AND NOT EXISTS (SELECT 1 FROM subscription_versions WHERE subscription_id = $3)`,
      [event.tenantId, event.planId, event.subscriptionId],
    );
  }

  async subscriptionChanged(event: SubscriptionChanged, tx: BillingTx): Promise<void> {
    if (!event.tenantId)
      return this.unknownTenant(`customer.subscription.${event.type}`, event.eventId);
    const periodEnd =
      event.currentPeriodEnd === null ? null : new Date(event.currentPeriodEnd * 1000);
    const paying = event.type !== 'deleted' && PAYING.has(event.status);
    if (paying) {
      // This subscription becomes the tenant's current one. A healthy status ends any grace.
      await tx.query(
        `UPDATE tenants
            SET plan = CASE WHEN plan_source = 'operator' THEN plan ELSE $2 END,
                plan_source = CASE WHEN plan_source = 'operator' THEN plan_source ELSE 'stripe' END,
                stripe_subscription_id = $3, subscription_status = $4,
                current_period_end = $5, cancel_at_period_end = $6,
                grace_until = CASE WHEN $4 <> 'past_due' THEN NULL
                                   ELSE coalesce(grace_until, to_timestamp($7) + make_interval(
                                          secs => $8::double precision / 1000)) END,
                updated_at = now()
          WHERE id = $1`,
        [
          event.tenantId,
          event.planId ?? 'pro',
          event.subscriptionId,
          event.status,
          periodEnd,
          event.cancelAtPeriodEnd,
          event.eventCreated,
          this.options.gracePeriodMs,
        ],
      );
      return;
    }
    // Ended or never started (canceled, unpaid, incomplete, incomplete_expired, paused): back to
    // Free, but only if this was the tenant's current subscription.
    const status = event.type === 'deleted' ? 'canceled' : event.status;
    await tx.query(
      `UPDATE tenants
          SET plan = CASE WHEN plan_source = 'operator' THEN plan ELSE 'free' END,
              plan_source = CASE WHEN plan_source = 'operator' THEN plan_source ELSE 'stripe' END,
              stripe_subscription_id = $2, subscription_status = $3,
              current_period_end = $4, cancel_at_period_end = false, grace_until = NULL,
              updated_at = now()
        WHERE id = $1 AND (stripe_subscription_id IS NULL OR stripe_subscription_id = $2)`,
      [event.tenantId, event.subscriptionId, status, periodEnd],
    );
  }

  async invoicePaid(event: InvoicePaid, tx: BillingTx): Promise<void> {
    if (!event.tenantId) return this.unknownTenant('invoice.paid', event.eventId);
    await tx.query(
      `INSERT INTO billing_invoices
         (invoice_id, tenant_id, subscription_id, status, amount_cents, currency,
          period_start, period_end, created_at)
       VALUES ($1, $2, $3, 'paid', $4, $5, to_timestamp($6), to_timestamp($7), to_timestamp($8))
       ON CONFLICT (invoice_id) DO UPDATE
         SET status = 'paid', amount_cents = EXCLUDED.amount_cents, updated_at = now()`,
      [
        event.invoiceId,
        event.tenantId,
        event.subscriptionId,
        event.amountPaidCents,
        event.currency,
        event.periodStart,
        event.periodEnd,
        event.eventCreated,
      ],
    );
    await this.settleGrace(tx, event.tenantId, event.subscriptionId);
  }

  async invoicePaymentFailed(event: InvoicePaymentFailed, tx: BillingTx): Promise<void> {
    if (!event.tenantId) return this.unknownTenant('invoice.payment_failed', event.eventId);
    const [invoice] = await tx.query<{ status: string }>(
      `INSERT INTO billing_invoices
         (invoice_id, tenant_id, subscription_id, status, amount_cents, currency,
          attempt_count, created_at)
       VALUES ($1, $2, $3, 'payment_failed', $4, $5, $6, to_timestamp($7))
       ON CONFLICT (invoice_id) DO UPDATE
         SET attempt_count = greatest(billing_invoices.attempt_count, EXCLUDED.attempt_count),
             updated_at = now()
       RETURNING status`,
      [
        event.invoiceId,
        event.tenantId,
        event.subscriptionId,
        event.amountDueCents,
        event.currency,
        event.attemptCount,
        event.eventCreated,
      ],
    );
    // A payment_failed that arrives after the invoice was paid changes nothing.
    if (invoice?.status === 'paid') return;
    await tx.query(
      `UPDATE tenants
          SET grace_until = least(coalesce(grace_until, 'infinity'),
                                  to_timestamp($2) + make_interval(secs => $3::double precision / 1000)),
              subscription_status = CASE WHEN subscription_status = 'active' THEN 'past_due'
                                         ELSE subscription_status END,
              updated_at = now()
        WHERE id = $1 AND plan_source = 'stripe' AND plan <> 'free'
          AND ($4::text IS NULL OR stripe_subscription_id IS NULL OR stripe_subscription_id = $4)`,
      [event.tenantId, event.eventCreated, this.options.gracePeriodMs, event.subscriptionId],
    );
  }

  /** A paid invoice ends the grace period unless another invoice of the tenant is still unpaid. */
  private async settleGrace(tx: BillingTx, tenantId: string, subscriptionId: string | null) {
    await tx.query(
      `UPDATE tenants SET grace_until = NULL, updated_at = now()
        WHERE id = $1 AND grace_until IS NOT NULL
          AND ($2::text IS NULL OR stripe_subscription_id IS NULL OR stripe_subscription_id = $2)
          AND NOT EXISTS (SELECT 1 FROM billing_invoices
                           WHERE tenant_id = $1 AND status = 'payment_failed')`,
      [tenantId, subscriptionId],
    );
  }

  private unknownTenant(type: string, eventId: string): void {
    // Not ours (created outside Herald) or not linked yet: nothing to apply, and retrying would
    // not help, so the event is recorded as processed.
    this.options.logger?.warn('stripe event for an unknown tenant ignored', { type, eventId });
  }
}
