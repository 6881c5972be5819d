import { timingSafeEqual } from 'node:crypto';
import {
  InvalidHeadersError,
  InvalidSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  TimestampTooNewError,
  TimestampTooOldError,
} from './errors';
import { readHeader, type HeadersInput } from './headers';
import { toKey } from './secret';
import { hmac, SIGNATURE_VERSION, type WebhookBody, type WebhookSecret } from './sign';

export const DEFAULT_TOLERANCE_SEC = 5 * 60;

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way; the replay window. */
  toleranceSec?: number;
  /** Defaults to the system clock. */
  nowSec?: number;
}

export interface VerifiedWebhook {
  msgId: string;
  timestampSec: number;
}

const TIMESTAMP = /^[0-9]{1,15}$/;
// 32 bytes of HMAC-SHA256 in padded base64.
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Verifies a Standard Webhooks request against one secret or several (accepting any during
 * rotation). Pass the raw body exactly as received. Returns the verified id and timestamp, and
 * throws a WebhookVerificationError subclass otherwise.
 */
export function verify(
  body: WebhookBody,
  headers: HeadersInput,
  secretOrSecrets: WebhookSecret | readonly WebhookSecret[],
  options: VerifyOptions = {},
): VerifiedWebhook {
  const secrets: readonly WebhookSecret[] = isSecretList(secretOrSecrets)
    ? secretOrSecrets
    : [secretOrSecrets];
  if (secrets.length === 0) throw new InvalidSecretError('At least one webhook secret is required');
  const keys = secrets.map(toKey);

  const msgId = readHeader(headers, 'webhook-id')?.trim();
  const timestampText = readHeader(headers, 'webhook-timestamp')?.trim();
  const signatureText = readHeader(headers, 'webhook-signature')?.trim();
  if (!msgId || !timestampText || !signatureText) {
    const presence = [
      ['webhook-id', msgId],
      ['webhook-timestamp', timestampText],
      ['webhook-signature', signatureText],
    ] as const;
    throw new MissingHeadersError(presence.filter(([, value]) => !value).map(([name]) => name));
  }

  if (!TIMESTAMP.test(timestampText))
    throw new InvalidHeadersError('webhook-timestamp must be whole seconds since the epoch');
  const timestampSec = Number(timestampText);
  const toleranceSec = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (!Number.isFinite(toleranceSec) || toleranceSec < 0)
    throw new RangeError('toleranceSec must be a non-negative number');
  const nowSec = Math.floor(options.nowSec ?? Date.now() / 1000);
  // Checked before the signature, as the reference implementation does: it is cheaper, and a
  // replayed request is refused however authentic its signature.
  if (nowSec - timestampSec > toleranceSec)
    throw new TimestampTooOldError(timestampSec, nowSec, toleranceSec);
  if (timestampSec - nowSec > toleranceSec)
    throw new TimestampTooNewError(timestampSec, nowSec, toleranceSec);

  const expected = keys.map((key) => hmac(key, msgId, timestampSec, body));
  for (const candidate of v1Signatures(signatureText)) {
    // No early exit across secrets, so timing does not reveal which secret matched.
    let matched = false;
    for (const digest of expected) matched = timingSafeEqual(candidate, digest) || matched;
    if (matched) return { msgId, timestampSec };
  }
  throw new InvalidSignatureError();
}

/**
 * The decoded `v1` signatures of a header. Other versions (e.g. `v1a` asymmetric) are skipped, as
 * the standard requires. A trailing comma is forgiven because HTTP joins repeated headers with ", ".
 */
function v1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const token of header.split(/\s+/)) {
    const entry = token.endsWith(',') ? token.slice(0, -1) : token;
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SIGNATURE_VERSION) continue;
    const encoded = entry.slice(comma + 1);
    if (V1_SIGNATURE.test(encoded)) signatures.push(Buffer.from(encoded, 'base64'));
  }
  return signatures;
}

function isSecretList(
  value: WebhookSecret | readonly WebhookSecret[],
): value is readonly WebhookSecret[] {
  return Array.isArray(value);
}
