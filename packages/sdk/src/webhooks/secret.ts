import { decodeBase64 } from './encoding.js';
import { InvalidSecretError } from './errors.js';

export const SECRET_PREFIX = 'whsec_';
// The Standard Webhooks bounds, as Herald's signer enforces them.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

export type WebhookSecret = string | Uint8Array;

/**
 * The key bytes of a `whsec_…` secret (the prefix is optional). Surrounding whitespace is
 * forgiven since secrets are pasted into env files; anything else malformed throws rather than
 * silently verifying with a different key.
 */
export function parseSecret(secret: WebhookSecret): Uint8Array {
  if (secret instanceof Uint8Array) return checkLength(secret);
  if (typeof secret !== 'string') throw new InvalidSecretError('Webhook secret must be a string');
  let encoded = secret.trim();
  if (encoded.startsWith(SECRET_PREFIX)) encoded = encoded.slice(SECRET_PREFIX.length);
  if (encoded === '') throw new InvalidSecretError('Webhook secret is empty');
  const key = decodeBase64(encoded);
  if (!key) {
    throw new InvalidSecretError(
      `Webhook secret must be "${SECRET_PREFIX}" followed by standard, padded base64`,
    );
  }
  return checkLength(key);
}

function checkLength(key: Uint8Array): Uint8Array {
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidSecretError(
      `Webhook secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}
