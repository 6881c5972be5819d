import type Stripe from 'stripe';
import { definePlans, type PlanCatalog } from '../plans';
import { createStripe, type CreateStripeOptions } from '../stripe-client';

export const TEST_PLANS_CONFIG = {
  freeMonthlyMessages: 10_000,
  proBasePriceId: 'price_test_pro_base',
  proMeteredPriceId: 'price_test_pro_metered',
  proBaseAmountCents: 4_900,
  proPer1000AmountCents: 50,
  meterEventName: 'herald_messages',
};

export const testPlans = (): PlanCatalog => definePlans(TEST_PLANS_CONFIG);

export function stripeMockUrl(): string {
  const url = process.env.HERALD_TEST_STRIPE_MOCK_URL;
  if (!url) throw new Error('HERALD_TEST_STRIPE_MOCK_URL is not set (vitest globalSetup sets it)');
  return url;
}

export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
  status?: number;
}

/** A Stripe client pointed at stripe-mock that records every outgoing request and its status. */
export function recordingStripe(extra: Partial<CreateStripeOptions> = {}): {
  stripe: Stripe;
  calls: RecordedCall[];
} {
  const stripe = createStripe({
    secretKey: 'sk_test_123',
    apiBase: stripeMockUrl(),
    emitEventBodies: true,
    maxNetworkRetries: 0,
    ...extra,
  });
  if (!stripe) throw new Error('unreachable: a secret key was given');
  const calls: RecordedCall[] = [];
  const open: RecordedCall[] = [];
  stripe.on('request', (event: Stripe.RequestEvent & { body?: Record<string, unknown> }) => {
    // `body` is emitted at runtime with emitEventBodies but missing from the public type.
    const call: RecordedCall = {
      method: event.method ?? '',
      path: event.path ?? '',
      body: event.body ?? {},
      idempotencyKey: event.idempotency_key,
    };
    calls.push(call);
    open.push(call);
  });
  stripe.on('response', (event: Stripe.ResponseEvent) => {
    const call = open.find((c) => c.method === event.method && c.path === event.path);
    if (call) {
      call.status = event.status;
      open.splice(open.indexOf(call), 1);
    }
  });
  return { stripe, calls };
}
