/** Billing's typed errors; the API maps `code` to its public error codes. */
export class BillingError extends Error {
  constructor(
    readonly code: 'BILLING_NOT_CONFIGURED' | 'BAD_USER_INPUT' | 'STRIPE_ERROR',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** STRIPE_SECRET_KEY is not set: Stripe features are unavailable, metering and quotas still work. */
export class BillingNotConfiguredError extends BillingError {
  constructor() {
    super('BILLING_NOT_CONFIGURED', 'Billing is not configured on this Herald installation');
  }
}

/** The Stripe-Signature header does not match the body (tampered, wrong secret, too old). */
export class WebhookSignatureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSignatureError';
  }
}
