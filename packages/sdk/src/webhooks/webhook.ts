import { concatBytes, constantTimeEqual, decodeBase64, encodeBase64 } from './encoding.js';
import {
  InvalidHeadersError,
  InvalidSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  TimestampTooNewError,
  TimestampTooOldError,
} from './errors.js';
import { readHeader, type HeadersInput } from './headers.js';
import { parseSecret, type WebhookSecret } from './secret.js';

/** The raw body exactly as received. A parsed object cannot be verified (see `assertRawBody`). */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

export const DEFAULT_TOLERANCE_SEC = 5 * 60;

export interface WebhookOptions {
  /** How far `webhook-timestamp` may be from now, either way: the replay window. Default 300. */
  toleranceSec?: number;
}

export interface VerifyOptions {
  /** Seconds since the epoch to verify against; defaults to the clock (tests, replays). */
  nowSec?: number;
}

export interface VerifiedWebhook {
  /** `webhook-id`: the Herald message id. Store it to drop redeliveries you already handled. */
  msgId: string;
  timestampSec: number;
}

export interface VerifiedJsonWebhook<T> extends VerifiedWebhook {
  payload: T;
}

/** What `verifyRequest` needs of a Fetch `Request` (Next.js route handlers, Deno, workers). */
export interface FetchRequestLike {
  headers: HeadersInput;
  text(): Promise<string>;
}

const TIMESTAMP = /^[0-9]{1,15}$/;
// 32 bytes of HMAC-SHA256 in padded base64.
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;
const SIGNATURE_VERSION = 'v1';
const encoder = new TextEncoder();

/**
 * Verifies (and signs) Standard Webhooks requests with WebCrypto, so the same code runs in Node
 * 20+, Deno, Bun, edge workers and browsers. WebCrypto is asynchronous, hence `verify` is too.
 *
 * Pass several secrets during a rotation: a request signed with any of them verifies.
 */
export class Webhook {
  private readonly rawKeys: readonly Uint8Array[];
  private readonly toleranceSec: number;
  private importedKeys: Promise<CryptoKey[]> | undefined;

  constructor(secret: WebhookSecret | readonly WebhookSecret[], options: WebhookOptions = {}) {
    const secrets: readonly WebhookSecret[] = Array.isArray(secret) ? secret : [secret];
    if (secrets.length === 0)
      throw new InvalidSecretError('At least one webhook secret is required');
    // Parsed now, so a bad secret fails at start-up rather than on the first request.
    this.rawKeys = secrets.map(parseSecret);
    const toleranceSec = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
    if (!Number.isFinite(toleranceSec) || toleranceSec < 0)
      throw new RangeError('toleranceSec must be a non-negative number');
    this.toleranceSec = toleranceSec;
  }

  /**
   * Checks the headers, the timestamp window and the signature; resolves with the message id and
   * timestamp, or rejects with a WebhookVerificationError subclass.
   */
  async verify(
    body: WebhookBody,
    headers: HeadersInput,
    options: VerifyOptions = {},
  ): Promise<VerifiedWebhook> {
    const bodyBytes = toBytes(body);
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
    const nowSec = Math.floor(options.nowSec ?? Date.now() / 1000);
    // Before the signature, as the reference library does: cheaper, and a replay is refused
    // however authentic its signature.
    if (nowSec - timestampSec > this.toleranceSec)
      throw new TimestampTooOldError(timestampSec, nowSec, this.toleranceSec);
    if (timestampSec - nowSec > this.toleranceSec)
      throw new TimestampTooNewError(timestampSec, nowSec, this.toleranceSec);

    const expected = await this.macs(msgId, timestampSec, bodyBytes);
    for (const candidate of v1Signatures(signatureText)) {
      // No early exit across secrets, so timing does not reveal which one matched.
      let matched = false;
      for (const digest of expected) matched = constantTimeEqual(candidate, digest) || matched;
      if (matched) return { msgId, timestampSec };
    }
    throw new InvalidSignatureError();
  }

  /** `verify`, then the body parsed as JSON (Herald always sends JSON). */
  async verifyJson<T = unknown>(
    body: WebhookBody,
    headers: HeadersInput,
    options: VerifyOptions = {},
  ): Promise<VerifiedJsonWebhook<T>> {
    const verified = await this.verify(body, headers, options);
    const text = typeof body === 'string' ? body : new TextDecoder().decode(toBytes(body));
    return { ...verified, payload: JSON.parse(text) as T };
  }

  /** For Fetch-style handlers: reads the raw text of the request itself, so nothing re-serializes it. */
  async verifyRequest<T = unknown>(
    request: FetchRequestLike,
    options: VerifyOptions = {},
  ): Promise<VerifiedJsonWebhook<T>> {
    return this.verifyJson<T>(await request.text(), request.headers, options);
  }

  /**
   * The `webhook-signature` header value for a message: one `v1,…` per secret, space-separated.
   * For tests of your receiver; Herald signs what it sends.
   */
  async sign(msgId: string, timestampSec: number, body: WebhookBody): Promise<string> {
    if (!msgId || /[\s.]/.test(msgId))
      throw new TypeError('msgId must be non-empty, without dots or whitespace');
    if (!Number.isSafeInteger(timestampSec) || timestampSec < 0)
      throw new TypeError('timestampSec must be a non-negative integer');
    const macs = await this.macs(msgId, timestampSec, toBytes(body));
    return macs.map((mac) => `${SIGNATURE_VERSION},${encodeBase64(mac)}`).join(' ');
  }

  private async macs(msgId: string, timestampSec: number, body: Uint8Array): Promise<Uint8Array[]> {
    this.importedKeys ??= Promise.all(this.rawKeys.map(importHmacKey));
    const keys = await this.importedKeys;
    const signed = concatBytes([encoder.encode(`${msgId}.${timestampSec}.`), body]);
    return Promise.all(
      keys.map(
        async (key) => new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, signed)),
      ),
    );
  }
}

function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey(
    'raw',
    // A copy: WebCrypto wants an ArrayBuffer-backed view, and the caller's bytes may change.
    new Uint8Array(raw),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/**
 * The raw-body pitfall: a framework's JSON parser hands over an object, and re-serializing it
 * rarely reproduces the signed bytes. Refuse loudly instead of failing as a "bad signature".
 */
function toBytes(body: WebhookBody): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(
    'Webhook body must be the raw request body (string, Uint8Array/Buffer or ArrayBuffer), not a ' +
      `parsed ${body === null ? 'null' : typeof body}. Disable JSON parsing for the webhook route ` +
      '(e.g. express.raw({ type: "application/json" })); see the @herald/sdk README.',
  );
}

/**
 * The decoded `v1` signatures of a header. Other versions are skipped, as the standard requires;
 * a trailing comma is forgiven because HTTP joins repeated headers with ", ".
 */
function v1Signatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = [];
  for (const token of header.split(/\s+/)) {
    const entry = token.endsWith(',') ? token.slice(0, -1) : token;
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SIGNATURE_VERSION) continue;
    const encoded = entry.slice(comma + 1);
    const decoded = V1_SIGNATURE.test(encoded) ? decodeBase64(encoded) : undefined;
    if (decoded) signatures.push(decoded);
  }
  return signatures;
}
