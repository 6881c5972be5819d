import { describe, expect, it } from 'vitest';
import { ConfigError } from './env';
import { loadBillingConfig } from './billing';

describe('loadBillingConfig', () => {
  it('runs "not configured" with defaults when no Stripe key is set', () => {
    const config = loadBillingConfig({});
    expect(config.stripe).toEqual({
      secretKey: null,
      webhookSecret: null,
      apiBase: null,
      webhookToleranceSec: 300,
    });
    expect(config.plans).toMatchObject({
      freeMonthlyMessages: 10_000,
      meterEventName: 'herald_messages',
    });
  });

  it('reads Stripe settings and strips a trailing slash from the API base', () => {
    const config = loadBillingConfig({
      STRIPE_SECRET_KEY: 'sk_test_1',
      STRIPE_API_BASE: 'http://127.0.0.1:12111/',
      STRIPE_PRICE_PRO_BASE: 'price_a',
      STRIPE_METER_EVENT_NAME: 'msgs',
    });
    expect(config.stripe.apiBase).toBe('http://127.0.0.1:12111');
    expect(config.plans.proBasePriceId).toBe('price_a');
    expect(config.plans.meterEventName).toBe('msgs');
  });

  it('requires real price ids in production when a key is set', () => {
    expect(() =>
      loadBillingConfig({ HERALD_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_1' }),
    ).toThrow(ConfigError);
    expect(() => loadBillingConfig({ STRIPE_API_BASE: 'not a url' })).toThrow(/STRIPE_API_BASE/);
  });
});
