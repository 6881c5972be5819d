/**
 * Verification failures, each with a stable `code` (the same codes as Herald's own signer, and the
 * shared test vectors). All extend WebhookVerificationError: catch that one to answer 400.
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
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
    this.code = code;
  }
}

export class MissingHeadersError extends WebhookVerificationError {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(`Missing required webhook headers: ${missing.join(', ')}`, 'MISSING_HEADERS');
    this.missing = missing;
  }
}

/** A header is present but malformed, e.g. a non-numeric `webhook-timestamp`. */
export class InvalidHeadersError extends WebhookVerificationError {
  constructor(message: string) {
    super(message, 'INVALID_HEADERS');
  }
}

export class InvalidSignatureError extends WebhookVerificationError {
  constructor(message = 'No matching signature found') {
    super(message, 'INVALID_SIGNATURE');
  }
}

/** Older than the tolerance: possibly a replay, or a clock far behind. */
export class TimestampTooOldError extends WebhookVerificationError {
  constructor(
    readonly timestampSec: number,
    readonly nowSec: number,
    toleranceSec: number,
  ) {
    super(
      `Message timestamp ${timestampSec} is more than ${toleranceSec}s before now (${nowSec})`,
      'TIMESTAMP_TOO_OLD',
    );
  }
}

export class TimestampTooNewError extends WebhookVerificationError {
  constructor(
    readonly timestampSec: number,
    readonly nowSec: number,
    toleranceSec: number,
  ) {
    super(
      `Message timestamp ${timestampSec} is more than ${toleranceSec}s after now (${nowSec})`,
      'TIMESTAMP_TOO_NEW',
    );
  }
}

/**
 * A misconfigured secret is the receiver's bug, not a bad request, so this deliberately is not a
 * WebhookVerificationError: a handler that answers those with 400 must not hide it.
 */
export class InvalidSecretError extends Error {
  readonly code = 'INVALID_SECRET' as const;

  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'InvalidSecretError';
  }
}
