import { createHmac } from 'node:crypto';
import { toKey } from './secret';

export type WebhookBody = string | Uint8Array;
export type WebhookSecret = string | Uint8Array;

export interface SignInput {
  msgId: string;
  timestampSec: number;
  /** The exact bytes sent: receivers verify the raw body, so never re-serialize JSON after signing. */
  body: WebhookBody;
  secret: WebhookSecret;
}

// A type alias rather than an interface, so it is assignable to Record<string, string> (fetch, undici).
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export const SIGNATURE_VERSION = 'v1';

/** `v1,<base64 HMAC-SHA256 of "msgId.timestamp.body">` */
export function sign({ msgId, timestampSec, body, secret }: SignInput): string {
  if (typeof msgId !== 'string' || msgId === '')
    throw new TypeError('msgId must be a non-empty string');
  // Herald ids never contain these: a '.' would make "id.timestamp.body" ambiguous, whitespace
  // would break the header. Verification stays lenient, since other senders may differ.
  if (/[\s.]/.test(msgId)) throw new TypeError('msgId must not contain dots or whitespace');
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new TypeError(
      `timestampSec must be a non-negative integer number of seconds, got ${timestampSec}`,
    );
  }
  return `${SIGNATURE_VERSION},${hmac(toKey(secret), msgId, timestampSec, body).toString('base64')}`;
}

/** One signature per secret, space-separated: during rotation receivers may hold either secret. */
export function signatureHeader(
  msgId: string,
  timestampSec: number,
  body: WebhookBody,
  secrets: readonly WebhookSecret[],
): string {
  if (secrets.length === 0) throw new TypeError('At least one signing secret is required');
  return secrets.map((secret) => sign({ msgId, timestampSec, body, secret })).join(' ');
}

export function buildHeaders(
  input: Omit<SignInput, 'secret'> & { secrets: readonly WebhookSecret[] },
): WebhookHeaders {
  return {
    'webhook-id': input.msgId,
    'webhook-timestamp': String(input.timestampSec),
    'webhook-signature': signatureHeader(
      input.msgId,
      input.timestampSec,
      input.body,
      input.secrets,
    ),
  };
}

/** Raw HMAC bytes. The body is hashed as bytes, so binary bodies sign exactly. */
export function hmac(key: Buffer, msgId: string, timestampSec: number, body: WebhookBody): Buffer {
  return createHmac('sha256', key).update(`${msgId}.${timestampSec}.`).update(body).digest();
}
