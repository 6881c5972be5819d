/**
 * Verification failures, each with a stable `code` so receivers (and the SDK) can branch without
 * parsing messages. All extend WebhookVerificationError: catch that one to answer 400.
 */
export type WebhookVerificationErrorCode =
  | 'MISSING_HEADERS'
  | 'INVALID_HEADERS'
  | 'INVALID_SIGNATURE'
  | 'TIMESTAMP_TOO_OLD'
  | 'TIMESTAMP_TOO_NEW';

export class WebhookVerificationError extends Error {
  readonly code: WebhookVerificationErrorCode;

  constructor(message: string, code: WebhookVerificationErrorCode) {
    super(message);
    // Keeps `instanceof` right if a consumer compiles this to ES5-style classes.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

export class MissingHeadersError extends WebhookVerificationError {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(`Missing required webhook headers: ${missing.join(', ')}`, 'MISSING_HEADERS');
    this.name = 'MissingHeadersError';
    this.missing = missing;
  }
}

/** A header is present but malformed, e.g. a non-numeric `webhook-timestamp`. */
export class InvalidHeadersError extends WebhookVerificationError {
  constructor(message: string) {
    super(message, 'INVALID_HEADERS');
    this.name = 'InvalidHeadersError';
  }
}

export class InvalidSignatureError extends WebhookVerificationError {
  constructor(message = 'No matching signature found') {
    super(message, 'INVALID_SIGNATURE');
    this.name = 'InvalidSignatureError';
  }
}

export class TimestampTooOldError extends WebhookVerificationError {
  constructor(timestampSec: number, nowSec: number, toleranceSec: number) {
    super(
      `Message timestamp ${timestampSec} is more than ${toleranceSec}s before now (${nowSec})`,
      'TIMESTAMP_TOO_OLD',
    );
    this.name = 'TimestampTooOldError';
  }
}

export class TimestampTooNewError extends WebhookVerificationError {
  constructor(timestampSec: number, nowSec: number, toleranceSec: number) {
    super(
      `Message timestamp ${timestampSec} is more than ${toleranceSec}s after now (${nowSec})`,
      'TIMESTAMP_TOO_NEW',
    );
    this.name = 'TimestampTooNewError';
  }
}

/**
 * A misconfigured secret is the caller's bug, not a bad request, so this is deliberately not a
 * WebhookVerificationError: a receiver that maps those to 400 should not hide it.
 */
export class InvalidSecretError extends Error {
  readonly code = 'INVALID_SECRET' as const;

  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'InvalidSecretError';
  }
}
