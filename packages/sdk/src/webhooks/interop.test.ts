import { Webhook as ReferenceWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VECTORS } from '../__tests__/vectors.js';
import { InvalidSignatureError } from './errors.js';
import { Webhook } from './webhook.js';

// Interop with the reference implementation (https://github.com/standard-webhooks), both ways:
// what it signs this SDK verifies, and what this SDK signs it verifies.

afterEach(() => {
  vi.useRealTimers();
});

/** The reference reads the clock itself; pin it. */
function atTime(nowSec: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nowSec * 1000);
}

describe('the SDK verifies what standardwebhooks signs', () => {
  it.each(VECTORS.sign.map((v) => [v.name, v] as const))('vector: %s', async (_, vector) => {
    for (const secret of vector.secrets) {
      const signature = new ReferenceWebhook(secret).sign(
        vector.msgId,
        new Date(vector.timestamp * 1000),
        vector.body,
      );
      const headers = {
        'webhook-id': vector.msgId,
        'webhook-timestamp': String(vector.timestamp),
        'webhook-signature': signature,
      };
      await expect(
        new Webhook(secret).verify(vector.body, headers, { nowSec: vector.timestamp }),
      ).resolves.toEqual({ msgId: vector.msgId, timestampSec: vector.timestamp });
      // And the same signature does not verify a different body.
      await expect(
        new Webhook(secret).verify(`${vector.body} `, headers, { nowSec: vector.timestamp }),
      ).rejects.toBeInstanceOf(InvalidSignatureError);
    }
  });

  it('a fresh random secret and payload round-trip against the real clock', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const secret = `whsec_${btoa(String.fromCharCode(...key))}`;
    const body = JSON.stringify({ type: 'invoice.paid', nonce: crypto.randomUUID() });
    const now = new Date();
    const signature = new ReferenceWebhook(secret).sign('msg_interop', now, body);
    const headers = {
      'webhook-id': 'msg_interop',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    await expect(new Webhook(secret).verifyJson(body, headers)).resolves.toMatchObject({
      payload: JSON.parse(body),
    });
  });
});

describe('standardwebhooks verifies what the SDK signs', () => {
  it.each(VECTORS.sign.map((v) => [v.name, v] as const))('vector: %s', async (_, vector) => {
    atTime(vector.timestamp);
    const headers = {
      'webhook-id': vector.msgId,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': await new Webhook(vector.secrets).sign(
        vector.msgId,
        vector.timestamp,
        vector.body,
      ),
    };
    for (const secret of vector.secrets) {
      expect(() =>
        new ReferenceWebhook(secret).verify(vector.body, headers, { jsonParse: false } as never),
      ).not.toThrow();
      expect(() => new ReferenceWebhook(secret).verify(`${vector.body}x`, headers)).toThrow();
    }
  });
});
