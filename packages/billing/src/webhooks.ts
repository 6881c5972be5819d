import type { Logger } from '@herald/observability';
import Stripe from 'stripe';
import { PLAN_METADATA_KEY, TENANT_METADATA_KEY } from './billing-service';
import { WebhookSignatureError } from './errors';
import { isPlanId, planForPriceId, type PlanCatalog, type PlanId } from './plans';
import type { BillingStore, BillingTx, WebhookEventStore } from './store';

export interface CheckoutCompleted {
  eventId: string;
  eventCreated: number;
  tenantId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
  planId: PlanId | null;
}

export interface SubscriptionChanged {
  eventId: string;
  /** Stripe event `created` (seconds): the version this state corresponds to. */
  eventCreated: number;
  type: 'created' | 'updated' | 'deleted';
  tenantId: string | null;
  customerId: string;
  subscriptionId: string;
  status: Stripe.Subscription.Status;
  planId: PlanId | null;
  cancelAtPeriodEnd: boolean;
  /** End of the current period (latest over the items), seconds; null when unknown. */
  currentPeriodEnd: number | null;
}

export interface InvoicePaid {
  eventId: string;
  eventCreated: number;
  tenantId: string | null;
  customerId: string | null;
  invoiceId: string;
  subscriptionId: string | null;
  amountPaidCents: number;
  currency: string;
  periodStart: number;
  periodEnd: number;
}

export interface InvoicePaymentFailed {
  eventId: string;
  eventCreated: number;
  tenantId: string | null;
  customerId: string | null;
  invoiceId: string;
  subscriptionId: string | null;
  amountDueCents: number;
  currency: string;
  attemptCount: number;
  /** Next automatic retry (seconds), null when Stripe will not retry: the grace period decides. */
  nextPaymentAttempt: number | null;
}

/**
 * What billing does with Stripe's news (PgBillingEffects in production). Each runs inside the
 * transaction that marks the event processed: effects and the mark commit together.
 */
export interface BillingWebhookCallbacks {
  checkoutCompleted(event: CheckoutCompleted, tx: BillingTx): Promise<void>;
  subscriptionChanged(event: SubscriptionChanged, tx: BillingTx): Promise<void>;
  invoicePaid(event: InvoicePaid, tx: BillingTx): Promise<void>;
  invoicePaymentFailed(event: InvoicePaymentFailed, tx: BillingTx): Promise<void>;
}

export interface StripeWebhookDeps {
  /** whsec_…; null = webhooks are refused (billing not configured). */
  webhookSecret: string | null;
  /** Seconds a signature timestamp may be old; Stripe's default is 300. */
  toleranceSec?: number;
  events: WebhookEventStore;
  customers: Pick<BillingStore, 'getTenantIdForCustomer'>;
  plans: PlanCatalog;
  callbacks: BillingWebhookCallbacks;
  logger?: Logger;
  /** Clock for signature tolerance, seconds (tests). */
  nowSec?: () => number;
}

export type WebhookOutcome =
  | { status: 'processed'; eventId: string; type: string }
  /** Already processed: answered 200 so Stripe stops retrying. */
  | { status: 'duplicate'; eventId: string; type: string }
  /** An older change to a subscription than one already applied. */
  | { status: 'stale'; eventId: string; type: string }
  /** An event type billing does not handle. */
  | { status: 'ignored'; eventId: string; type: string };

export class WebhookNotConfiguredError extends Error {
  constructor() {
    super('STRIPE_WEBHOOK_SECRET is not configured');
    this.name = 'WebhookNotConfiguredError';
  }
}

const HANDLED = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
]);

const SUBSCRIPTION_RANK = { created: 0, updated: 1, deleted: 2 } as const;

/**
 * Verifies a Stripe webhook and dispatches it once. Throws WebhookSignatureError for a bad
 * signature (answer 400) and rethrows callback failures (answer 5xx): their transaction, event id
 * included, rolled back, so Stripe's retry is processed again.
 */
export async function handleStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string | string[] | undefined,
  deps: StripeWebhookDeps,
): Promise<WebhookOutcome> {
  if (!deps.webhookSecret) throw new WebhookNotConfiguredError();
  if (!signatureHeader) throw new WebhookSignatureError('missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      rawBody,
      signatureHeader,
      deps.webhookSecret,
      deps.toleranceSec ?? 300,
      undefined,
      deps.nowSec?.(),
    );
  } catch (err) {
    throw new WebhookSignatureError((err as Error).message, { cause: err });
  }

  const base = { eventId: event.id, type: event.type };
  if (!HANDLED.has(event.type)) return { status: 'ignored', ...base };
  try {
    const result = await deps.events.processOnce(event.id, (tx) => dispatch(event, deps, tx));
    if (!result) return { status: 'duplicate', ...base };
    return { status: result.value ? 'processed' : 'stale', ...base };
  } catch (err) {
    deps.logger?.error('stripe webhook handling failed; Stripe will retry', {
      ...base,
      error: (err as Error).message,
    });
    throw err;
  }
}

/** false when the event was an out-of-date subscription change and nothing was applied. */
async function dispatch(
  event: Stripe.Event,
  deps: StripeWebhookDeps,
  tx: BillingTx,
): Promise<boolean> {
  const tenantFor = async (customerId: string | null, metadata?: Stripe.Metadata | null) =>
    metadata?.[TENANT_METADATA_KEY] ||
    (customerId ? await deps.customers.getTenantIdForCustomer(customerId) : null);

  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const customerId = idOf(session.customer);
      const plan = session.metadata?.[PLAN_METADATA_KEY];
      await deps.callbacks.checkoutCompleted(
        {
          eventId: event.id,
          eventCreated: event.created,
          tenantId: session.client_reference_id || (await tenantFor(customerId, session.metadata)),
          customerId,
          subscriptionId: idOf(session.subscription),
          planId: isPlanId(plan) ? plan : null,
        },
        tx,
      );
      return true;
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      const type = event.type.slice('customer.subscription.'.length) as SubscriptionChanged['type'];
      // Stripe does not guarantee delivery order: apply a change only if it is not older than the
      // newest one applied to this subscription.
      const fresh = await deps.events.advanceSubscriptionVersion(tx, subscription.id, {
        created: event.created,
        rank: SUBSCRIPTION_RANK[type],
      });
      if (!fresh) {
        deps.logger?.info('stale subscription event ignored', {
          eventId: event.id,
          subscriptionId: subscription.id,
        });
        return false;
      }
      const customerId = idOf(subscription.customer) ?? '';
      await deps.callbacks.subscriptionChanged(
        {
          eventId: event.id,
          eventCreated: event.created,
          type,
          tenantId: await tenantFor(customerId, subscription.metadata),
          customerId,
          subscriptionId: subscription.id,
          status: subscription.status,
          planId: subscriptionPlan(subscription, deps.plans),
          cancelAtPeriodEnd: subscription.cancel_at_period_end,
          currentPeriodEnd: currentPeriodEnd(subscription),
        },
        tx,
      );
      return true;
    }
    case 'invoice.paid': {
      const invoice = event.data.object;
      const customerId = idOf(invoice.customer);
      await deps.callbacks.invoicePaid(
        {
          eventId: event.id,
          eventCreated: event.created,
          tenantId: await tenantFor(customerId, invoiceSubscriptionMetadata(invoice)),
          customerId,
          invoiceId: invoice.id ?? '',
          subscriptionId: invoiceSubscriptionId(invoice),
          amountPaidCents: invoice.amount_paid,
          currency: invoice.currency,
          periodStart: invoice.period_start,
          periodEnd: invoice.period_end,
        },
        tx,
      );
      return true;
    }
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const customerId = idOf(invoice.customer);
      await deps.callbacks.invoicePaymentFailed(
        {
          eventId: event.id,
          eventCreated: event.created,
          tenantId: await tenantFor(customerId, invoiceSubscriptionMetadata(invoice)),
          customerId,
          invoiceId: invoice.id ?? '',
          subscriptionId: invoiceSubscriptionId(invoice),
          amountDueCents: invoice.amount_due,
          currency: invoice.currency,
          attemptCount: invoice.attempt_count,
          nextPaymentAttempt: invoice.next_payment_attempt,
        },
        tx,
      );
      return true;
    }
    default:
      return true;
  }
}

function idOf(value: string | { id?: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : (value.id ?? null);
}

function subscriptionPlan(subscription: Stripe.Subscription, plans: PlanCatalog): PlanId | null {
  const fromMetadata = subscription.metadata?.[PLAN_METADATA_KEY];
  if (isPlanId(fromMetadata)) return fromMetadata;
  for (const item of subscription.items?.data ?? []) {
    const plan = planForPriceId(plans, item.price.id);
    if (plan) return plan.id;
  }
  return null;
}

function currentPeriodEnd(subscription: Stripe.Subscription): number | null {
  const ends = (subscription.items?.data ?? [])
    .map((item) => item.current_period_end)
    .filter((end): end is number => typeof end === 'number');
  return ends.length > 0 ? Math.max(...ends) : null;
}

function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription ?? null);
}

function invoiceSubscriptionMetadata(invoice: Stripe.Invoice): Stripe.Metadata | null {
  return invoice.parent?.subscription_details?.metadata ?? null;
}
