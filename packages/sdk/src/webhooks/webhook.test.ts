import { describe, expect, it } from 'vitest';
import { VECTORS } from '../__tests__/vectors.js';
import {
  InvalidSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  TimestampTooNewError,
  TimestampTooOldError,
  WebhookVerificationError,
} from './errors.js';
import { readRawBody } from './raw-body.js';
import { Webhook } from './webhook.js';

const SECRET = 'whsec_1TiViJ/rA2d/SX46F1cQEO0r2483tt3APbOcJqaSiSQ=';
const NOW = 1_736_942_400;

async function signedHeaders(webhook: Webhook, body: string, timestampSec = NOW) {
  return {
    'webhook-id': 'msg_test',
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': await webhook.sign('msg_test', timestampSec, body),
  };
}

describe('shared vectors', () => {
  it('covers both directions with a non-trivial number of cases', () => {
    expect(VECTORS.sign.length).toBeGreaterThanOrEqual(5);
    expect(VECTORS.verify.some((v) => v.expected === 'valid')).toBe(true);
    expect(VECTORS.verify.some((v) => v.expected !== 'valid')).toBe(true);
  });

  it.each(VECTORS.sign.map((v) => [v.name, v] as const))('signs: %s', async (_, vector) => {
    const webhook = new Webhook(vector.secrets);
    await expect(webhook.sign(vector.msgId, vector.timestamp, vector.body)).resolves.toBe(
      vector.signature,
    );
  });

  it.each(VECTORS.verify.map((v) => [v.name, v] as const))('verifies: %s', async (_, vector) => {
    const webhook = new Webhook(vector.secrets, { toleranceSec: VECTORS.toleranceSec });
    const outcome = webhook.verify(vector.body, vector.headers, { nowSec: vector.nowSec });
    if (vector.expected === 'valid') {
      await expect(outcome).resolves.toEqual({
        msgId: vector.headers['webhook-id'],
        timestampSec: Number(vector.headers['webhook-timestamp']),
      });
    } else {
      await expect(outcome).rejects.toMatchObject({ code: vector.expected });
      await expect(outcome).rejects.toBeInstanceOf(WebhookVerificationError);
    }
  });
});

describe('Webhook.verify', () => {
  const webhook = new Webhook(SECRET);
  const body = '{"type":"invoice.paid"}';

  it('accepts the same request as a string, bytes or an ArrayBuffer', async () => {
    const headers = await signedHeaders(webhook, body);
    const bytes = new TextEncoder().encode(body);
    for (const raw of [body, bytes, bytes.buffer.slice(0)]) {
      await expect(webhook.verify(raw, headers, { nowSec: NOW })).resolves.toMatchObject({
        msgId: 'msg_test',
      });
    }
  });

  it('reads every header shape: Node objects with arrays, Fetch Headers, Maps, pairs', async () => {
    const headers = await signedHeaders(webhook, body);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    const shapes = [
      upper,
      { ...headers, 'webhook-signature': [headers['webhook-signature']] },
      new Headers(headers),
      new Map(Object.entries(upper)),
      Object.entries(headers),
    ];
    for (const shape of shapes) {
      await expect(webhook.verify(body, shape, { nowSec: NOW })).resolves.toMatchObject({
        timestampSec: NOW,
      });
    }
  });

  it('names the missing headers', async () => {
    const error = await webhook.verify(body, { 'webhook-id': 'msg_1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingHeadersError);
    expect((error as MissingHeadersError).missing).toEqual([
      'webhook-timestamp',
      'webhook-signature',
    ]);
  });

  it('uses a configurable tolerance, 5 minutes by default', async () => {
    const headers = await signedHeaders(webhook, body, NOW - 301);
    await expect(webhook.verify(body, headers, { nowSec: NOW })).rejects.toBeInstanceOf(
      TimestampTooOldError,
    );
    await expect(
      new Webhook(SECRET, { toleranceSec: 400 }).verify(body, headers, { nowSec: NOW }),
    ).resolves.toMatchObject({ msgId: 'msg_test' });
    const future = await signedHeaders(webhook, body, NOW + 301);
    await expect(webhook.verify(body, future, { nowSec: NOW })).rejects.toBeInstanceOf(
      TimestampTooNewError,
    );
  });

  it('defaults to the system clock', async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    await expect(
      webhook.verify(body, await signedHeaders(webhook, body, nowSec)),
    ).resolves.toMatchObject({ timestampSec: nowSec });
    await expect(
      webhook.verify(body, await signedHeaders(webhook, body, nowSec - 3600)),
    ).rejects.toBeInstanceOf(TimestampTooOldError);
  });

  it('rejects a body that was re-serialized after parsing', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const headers = await signedHeaders(webhook, body);
    await expect(webhook.verify(pretty, headers, { nowSec: NOW })).rejects.toBeInstanceOf(
      InvalidSignatureError,
    );
  });

  it('refuses a parsed object with a message that points at the raw-body pitfall', async () => {
    const headers = await signedHeaders(webhook, body);
    const parsed = JSON.parse(body) as unknown as string;
    await expect(webhook.verify(parsed, headers, { nowSec: NOW })).rejects.toThrow(
      /raw request body.*express\.raw/s,
    );
  });

  it('accepts a request signed with any secret held during a rotation', async () => {
    const oldSecret = new Webhook('whsec_l6kqZPEspP9KGQ3HWH3fXASFl1GhnhFHW8IPaXf4/iY=');
    const headers = await signedHeaders(oldSecret, body);
    await expect(webhook.verify(body, headers, { nowSec: NOW })).rejects.toBeInstanceOf(
      InvalidSignatureError,
    );
    const rotating = new Webhook([SECRET, 'whsec_l6kqZPEspP9KGQ3HWH3fXASFl1GhnhFHW8IPaXf4/iY=']);
    await expect(rotating.verify(body, headers, { nowSec: NOW })).resolves.toMatchObject({
      msgId: 'msg_test',
    });
  });
});

describe('Webhook construction', () => {
  it('rejects malformed secrets up front, as a non-verification error', () => {
    for (const bad of ['', 'whsec_', 'whsec_not base64!', 'whsec_c2hvcnQ=', []]) {
      expect(() => new Webhook(bad as string)).toThrow(InvalidSecretError);
    }
    expect(InvalidSecretError.prototype).not.toBeInstanceOf(WebhookVerificationError);
  });

  it('accepts raw key bytes and forgives surrounding whitespace', async () => {
    const fromText = new Webhook(`  ${SECRET}\n`);
    const fromBytes = new Webhook(Uint8Array.from(atob(SECRET.slice(6)), (c) => c.charCodeAt(0)));
    expect(await fromBytes.sign('msg_1', NOW, 'x')).toBe(await fromText.sign('msg_1', NOW, 'x'));
  });

  it('rejects a negative tolerance', () => {
    expect(() => new Webhook(SECRET, { toleranceSec: -1 })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('verifyRequest reads a Fetch Request and returns the parsed payload', async () => {
    const webhook = new Webhook(SECRET);
    const body = '{"type":"invoice.paid","data":{"amount":42}}';
    const nowSec = Math.floor(Date.now() / 1000);
    const request = new Request('http://127.0.0.1/hook', {
      method: 'POST',
      headers: await signedHeaders(webhook, body, nowSec),
      body,
    });
    await expect(webhook.verifyRequest(request)).resolves.toEqual({
      msgId: 'msg_test',
      timestampSec: nowSec,
      payload: { type: 'invoice.paid', data: { amount: 42 } },
    });
  });

  it('readRawBody concatenates chunks and enforces its limit', async () => {
    async function* chunks() {
      yield new TextEncoder().encode('héllo ');
      yield 'wörld';
    }
    expect(new TextDecoder().decode(await readRawBody(chunks()))).toBe('héllo wörld');
    await expect(readRawBody(chunks(), 4)).rejects.toThrow(RangeError);
  });
});
