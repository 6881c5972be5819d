import { PLAN_IDS, type PlanId } from '@herald/config';
import type { BillingPlansConfig } from '@herald/config';

/**
 * Plans are data: limits and prices live here (from configuration), and the rest of the system
 * asks the pure functions below. Stripe's prices stay the source of truth for invoices; the amounts
 * here only drive quotas and the projected cost shown to tenants.
 */
export type { PlanId } from '@herald/config';

export { PLAN_IDS } from '@herald/config';

export type PlanPricing =
  | { kind: 'free' }
  | {
      kind: 'metered';
      currency: 'usd';
      baseAmountCents: number;
      /** Charged per started block of 1,000 messages (the metered price rounds up). */
      per1000AmountCents: number;
      stripe: { basePriceId: string; meteredPriceId: string };
    }
  /** Contract pricing: invoiced by sales, not self-serve checkout. */
  | { kind: 'custom' };

export interface Plan {
  id: PlanId;
  name: string;
  /** Accepted messages per billing month; null = unlimited. */
  monthlyMessageQuota: number | null;
  /** true: messages over the quota are refused (PLAN_LIMIT_EXCEEDED); false: they are billed. */
  hardCap: boolean;
  pricing: PlanPricing;
  /** Billing Meter that counts this plan's messages; null when usage is not reported to Stripe. */
  meterEventName: string | null;
}

export type PlanCatalog = Readonly<Record<PlanId, Plan>>;

export function definePlans(config: BillingPlansConfig): PlanCatalog {
  return {
    free: {
      id: 'free',
      name: 'Free',
      monthlyMessageQuota: config.freeMonthlyMessages,
      hardCap: true,
      pricing: { kind: 'free' },
      meterEventName: null,
    },
    pro: {
      id: 'pro',
      name: 'Pro',
      monthlyMessageQuota: null,
      hardCap: false,
      pricing: {
        kind: 'metered',
        currency: 'usd',
        baseAmountCents: config.proBaseAmountCents,
        per1000AmountCents: config.proPer1000AmountCents,
        stripe: { basePriceId: config.proBasePriceId, meteredPriceId: config.proMeteredPriceId },
      },
      meterEventName: config.meterEventName,
    },
    enterprise: {
      id: 'enterprise',
      name: 'Enterprise',
      monthlyMessageQuota: null,
      hardCap: false,
      pricing: { kind: 'custom' },
      meterEventName: config.meterEventName,
    },
  };
}

export function isPlanId(value: unknown): value is PlanId {
  return typeof value === 'string' && (PLAN_IDS as readonly string[]).includes(value);
}

export interface Quota {
  /** null = unlimited */
  monthlyMessages: number | null;
  hardCap: boolean;
}

export function quotaFor(plan: Plan): Quota {
  return { monthlyMessages: plan.monthlyMessageQuota, hardCap: plan.hardCap };
}

/**
 * How many of `requested` more messages a tenant with `used` messages this period may send.
 * Unlimited plans and soft caps always allow everything.
 */
export function remainingQuota(plan: Plan, used: number): number {
  if (plan.monthlyMessageQuota === null || !plan.hardCap) return Number.POSITIVE_INFINITY;
  return Math.max(0, plan.monthlyMessageQuota - used);
}

export interface ProjectedCost {
  currency: 'usd';
  baseCents: number;
  usageCents: number;
  totalCents: number;
}

/**
 * Cost of a billing period with `messages` billed messages. null for custom (contract) pricing.
 */
export function projectedCost(plan: Plan, usage: { messages: number }): ProjectedCost | null {
  const messages = Math.max(0, Math.floor(usage.messages));
  switch (plan.pricing.kind) {
    case 'free':
      return { currency: 'usd', baseCents: 0, usageCents: 0, totalCents: 0 };
    case 'metered': {
      const blocks = Math.ceil(messages / 1000);
      const usageCents = blocks * plan.pricing.per1000AmountCents;
      const baseCents = plan.pricing.baseAmountCents;
      return { currency: 'usd', baseCents, usageCents, totalCents: baseCents + usageCents };
    }
    case 'custom':
      return null;
  }
}

/**
 * Straight-line projection of a period's usage from what was used so far (for "projected cost").
 * Before a full hour of data it returns the usage so far, to avoid wild early extrapolations.
 */
export function extrapolateUsage(
  usedSoFar: number,
  period: { start: Date; end: Date },
  now: Date,
): number {
  const total = period.end.getTime() - period.start.getTime();
  const elapsed = Math.min(total, now.getTime() - period.start.getTime());
  if (total <= 0 || elapsed < 3_600_000) return usedSoFar;
  return Math.ceil((usedSoFar * total) / elapsed);
}

/** Checkout line items for a self-serve plan; the metered price takes no quantity. */
export function checkoutLineItems(plan: Plan): Array<{ price: string; quantity?: number }> {
  if (plan.pricing.kind !== 'metered') {
    throw new Error(`The ${plan.name} plan is not available through self-serve checkout`);
  }
  return [
    { price: plan.pricing.stripe.basePriceId, quantity: 1 },
    { price: plan.pricing.stripe.meteredPriceId },
  ];
}

/** The plan a Stripe price id belongs to, or null. */
export function planForPriceId(plans: PlanCatalog, priceId: string): Plan | null {
  for (const plan of Object.values(plans)) {
    if (
      plan.pricing.kind === 'metered' &&
      (plan.pricing.stripe.basePriceId === priceId ||
        plan.pricing.stripe.meteredPriceId === priceId)
    ) {
      return plan;
    }
  }
  return null;
}
