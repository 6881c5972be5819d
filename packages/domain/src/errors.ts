/**
 * The shared error classes. Each maps to one stable public code (GraphQL `extensions.code`), so
 * callers switch on `code`, never on message text.
 */

export const ERROR_CODES = {
  internal: 'INTERNAL',
  notFound: 'NOT_FOUND',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  validation: 'BAD_USER_INPUT',
  conflict: 'CONFLICT',
  rateLimited: 'RATE_LIMITED',
  planLimitExceeded: 'PLAN_LIMIT_EXCEEDED',
  billingNotConfigured: 'BILLING_NOT_CONFIGURED',
  mailNotConfigured: 'MAIL_NOT_CONFIGURED',
} as const;

export type HeraldErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class HeraldError extends Error {
  readonly code: HeraldErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(
    message: string,
    code: HeraldErrorCode = ERROR_CODES.internal,
    details?: Record<string, unknown>,
  ) {
    super(message);
    // Keeps `instanceof` right even if this is ever compiled to ES5-style classes (the Temporal
    // bundler and some test transforms have done so in the past).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'HeraldError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export class NotFoundError extends HeraldError {
  constructor(message = 'Not found', details?: Record<string, unknown>) {
    super(message, ERROR_CODES.notFound, details);
    this.name = 'NotFoundError';
  }
}

export class UnauthenticatedError extends HeraldError {
  constructor(message = 'Authentication required', details?: Record<string, unknown>) {
    super(message, ERROR_CODES.unauthenticated, details);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends HeraldError {
  constructor(message = 'Forbidden', details?: Record<string, unknown>) {
    super(message, ERROR_CODES.forbidden, details);
    this.name = 'ForbiddenError';
  }
}

export class ValidationError extends HeraldError {
  /** The input field at fault, when there is one; a dotted path for nested input. */
  readonly field?: string;

  constructor(
    message: string,
    options: { field?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message, ERROR_CODES.validation, withDefined(options.details, { field: options.field }));
    this.name = 'ValidationError';
    if (options.field !== undefined) this.field = options.field;
  }
}

export class ConflictError extends HeraldError {
  constructor(message = 'Conflict', details?: Record<string, unknown>) {
    super(message, ERROR_CODES.conflict, details);
    this.name = 'ConflictError';
  }
}

export class RateLimitedError extends HeraldError {
  readonly retryAfterMs: number;

  constructor(
    message: string,
    options: { retryAfterMs: number; details?: Record<string, unknown> },
  ) {
    super(
      message,
      ERROR_CODES.rateLimited,
      withDefined(options.details, { retryAfterMs: options.retryAfterMs }),
    );
    this.name = 'RateLimitedError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface PlanLimit {
  /** The limit of the tenant's plan for this metric. */
  quota: number;
  /** Usage counted so far in the current period. */
  usage: number;
  /** When the period rolls over; null for limits that never reset (e.g. endpoint count). */
  resetAt: Date | null;
  /** Which limit, e.g. `messages_per_month`. */
  metric?: string;
}

export class PlanLimitExceededError extends HeraldError {
  readonly quota: number;
  readonly usage: number;
  readonly resetAt: Date | null;
  readonly metric?: string;

  constructor(message: string, limit: PlanLimit, details?: Record<string, unknown>) {
    super(
      message,
      ERROR_CODES.planLimitExceeded,
      withDefined(details, {
        quota: limit.quota,
        usage: limit.usage,
        resetAt: limit.resetAt ? limit.resetAt.toISOString() : null,
        metric: limit.metric,
      }),
    );
    this.name = 'PlanLimitExceededError';
    this.quota = limit.quota;
    this.usage = limit.usage;
    this.resetAt = limit.resetAt;
    if (limit.metric !== undefined) this.metric = limit.metric;
  }
}

/** The deployment has no Stripe key: checkout and the billing portal are unavailable. */
export class BillingNotConfiguredError extends HeraldError {
  constructor() {
    super(
      'Billing is not configured on this Herald installation (no STRIPE_SECRET_KEY)',
      ERROR_CODES.billingNotConfigured,
    );
    this.name = 'BillingNotConfiguredError';
  }
}

/** The deployment has no SMTP_URL: links that must reach an address cannot be sent. */
export class MailNotConfiguredError extends HeraldError {
  constructor() {
    super(
      'Mail is not configured on this Herald installation (no SMTP_URL); invitations cannot be sent',
      ERROR_CODES.mailNotConfigured,
    );
    this.name = 'MailNotConfiguredError';
  }
}

export function isHeraldError(error: unknown): error is HeraldError {
  return error instanceof HeraldError;
}

/**
 * Typed fields are copied into `details` too, so a generic mapper that exposes `details` as
 * GraphQL extensions carries them without knowing every subclass.
 */
function withDefined(
  details: Record<string, unknown> | undefined,
  fields: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const merged: Record<string, unknown> = { ...details };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
