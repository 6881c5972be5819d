import { describe, expect, it } from 'vitest';
import {
  checkoutLineItems,
  extrapolateUsage,
  isPlanId,
  planForPriceId,
  projectedCost,
  quotaFor,
  remainingQuota,
} from './plans';
import { testPlans } from './testing/fixtures';

const plans = testPlans();

describe('quotaFor', () => {
  it('caps Free hard at the configured monthly quota', () => {
    expect(quotaFor(plans.free)).toEqual({ monthlyMessages: 10_000, hardCap: true });
  });

  it('leaves Pro and Enterprise uncapped', () => {
    expect(quotaFor(plans.pro)).toEqual({ monthlyMessages: null, hardCap: false });
    expect(quotaFor(plans.enterprise)).toEqual({ monthlyMessages: null, hardCap: false });
  });
});

describe('remainingQuota', () => {
  it('counts down to zero on Free and never goes negative', () => {
    expect(remainingQuota(plans.free, 0)).toBe(10_000);
    expect(remainingQuota(plans.free, 9_999)).toBe(1);
    expect(remainingQuota(plans.free, 10_000)).toBe(0);
    expect(remainingQuota(plans.free, 12_000)).toBe(0);
  });

  it('is unlimited on uncapped plans', () => {
    expect(remainingQuota(plans.pro, 5_000_000)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('projectedCost', () => {
  it('is zero on Free', () => {
    expect(projectedCost(plans.free, { messages: 9_000 })).toEqual({
      currency: 'usd',
      baseCents: 0,
      usageCents: 0,
      totalCents: 0,
    });
  });

  it('charges Pro the base price plus each started block of 1,000 messages', () => {
    expect(projectedCost(plans.pro, { messages: 0 })?.totalCents).toBe(4_900);
    expect(projectedCost(plans.pro, { messages: 1 })).toEqual({
      currency: 'usd',
      baseCents: 4_900,
      usageCents: 50,
      totalCents: 4_950,
    });
    expect(projectedCost(plans.pro, { messages: 1_000 })?.usageCents).toBe(50);
    expect(projectedCost(plans.pro, { messages: 1_001 })?.usageCents).toBe(100);
    expect(projectedCost(plans.pro, { messages: 2_500_000 })?.totalCents).toBe(4_900 + 125_000);
  });

  it('treats negative or fractional usage sanely', () => {
    expect(projectedCost(plans.pro, { messages: -5 })?.usageCents).toBe(0);
    expect(projectedCost(plans.pro, { messages: 1000.7 })?.usageCents).toBe(50);
  });

  it('has no projection for custom Enterprise pricing', () => {
    expect(projectedCost(plans.enterprise, { messages: 1_000_000 })).toBeNull();
  });
});

describe('extrapolateUsage', () => {
  const period = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-31T00:00:00Z') };

  it('projects linearly over the period', () => {
    expect(extrapolateUsage(1_000, period, new Date('2026-03-16T00:00:00Z'))).toBe(2_000);
  });

  it('does not extrapolate from less than an hour of data, nor past the end', () => {
    expect(extrapolateUsage(50, period, new Date('2026-03-01T00:10:00Z'))).toBe(50);
    expect(extrapolateUsage(3_000, period, new Date('2026-04-05T00:00:00Z'))).toBe(3_000);
  });
});

describe('Stripe price mapping', () => {
  it('checks out Pro with its base price (quantity 1) and its metered price (no quantity)', () => {
    expect(checkoutLineItems(plans.pro)).toEqual([
      { price: 'price_test_pro_base', quantity: 1 },
      { price: 'price_test_pro_metered' },
    ]);
  });

  it('refuses self-serve checkout of Free and Enterprise', () => {
    expect(() => checkoutLineItems(plans.free)).toThrow(/not available/);
    expect(() => checkoutLineItems(plans.enterprise)).toThrow(/not available/);
  });

  it('maps price ids and plan names back', () => {
    expect(planForPriceId(plans, 'price_test_pro_metered')?.id).toBe('pro');
    expect(planForPriceId(plans, 'price_unknown')).toBeNull();
    expect(isPlanId('pro')).toBe(true);
    expect(isPlanId('platinum')).toBe(false);
  });

  it('reports Pro and Enterprise usage to the configured meter', () => {
    expect(plans.pro.meterEventName).toBe('herald_messages');
    expect(plans.enterprise.meterEventName).toBe('herald_messages');
    expect(plans.free.meterEventName).toBeNull();
  });
});
