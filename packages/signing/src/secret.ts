import { randomBytes } from 'node:crypto';
import { InvalidSecretError } from './errors';

export const SECRET_PREFIX = 'whsec_';
/** The Standard Webhooks bounds: below 24 bytes brute force gets plausible, above 64 HMAC-SHA256 hashes the key anyway. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A new signing secret: `whsec_` + base64 of `bytes` random bytes. */
export function generateSecret(bytes = 32): string {
  assertKeyLength(bytes);
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * The key bytes of a `whsec_…` secret (the prefix is optional). Surrounding whitespace is
 * forgiven, since secrets are pasted into env files; anything else malformed throws
 * InvalidSecretError, never silently signs with a different key.
 */
export function parseSecret(secret: string): Buffer {
  if (typeof secret !== 'string') throw new InvalidSecretError('Webhook secret must be a string');
  let encoded = secret.trim();
  if (encoded.startsWith(SECRET_PREFIX)) encoded = encoded.slice(SECRET_PREFIX.length);
  if (encoded === '') throw new InvalidSecretError('Webhook secret is empty');
  // Buffer.from(…, 'base64') skips invalid characters, so validate first.
  if (!BASE64.test(encoded)) {
    throw new InvalidSecretError(
      `Webhook secret must be "${SECRET_PREFIX}" followed by standard, padded base64`,
    );
  }
  const key = Buffer.from(encoded, 'base64');
  assertKeyLength(key.length);
  return key;
}

/** A string secret is parsed; raw key bytes are checked for length and used as they are. */
export function toKey(secret: string | Uint8Array): Buffer {
  if (typeof secret === 'string') return parseSecret(secret);
  if (!(secret instanceof Uint8Array))
    throw new InvalidSecretError('Webhook secret must be a string or key bytes');
  assertKeyLength(secret.length);
  return Buffer.from(secret);
}

function assertKeyLength(length: number): void {
  if (!Number.isInteger(length) || length < MIN_SECRET_BYTES || length > MAX_SECRET_BYTES) {
    throw new InvalidSecretError(
      `Webhook secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${length}`,
    );
  }
}
