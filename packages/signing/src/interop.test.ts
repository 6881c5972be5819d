import { Webhook, WebhookVerificationError as ReferenceVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret } from './secret';
import { buildHeaders, sign } from './sign';
import { verify } from './verify';
import { SIGNING_VECTORS } from './vectors';

// Interop with the reference implementation (https://github.com/standard-webhooks), in both
// directions: receivers using it must accept what Herald sends, and our SDK must accept what any
// standard sender signs.

afterEach(() => {
  vi.useRealTimers();
});

/** The reference reads the clock itself; pin it to the vector's "now". */
function atTime(nowSec: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nowSec * 1000);
}

describe('standardwebhooks verifies what Herald signs', () => {
  it.each(SIGNING_VECTORS.sign.map((vector) => [vector.name, vector] as const))(
    'vector: %s',
    (_, vector) => {
      atTime(vector.timestamp);
      const headers = buildHeaders({
        msgId: vector.msgId,
        timestampSec: vector.timestamp,
        body: vector.body,
        secrets: vector.secrets,
      });
      for (const secret of vector.secrets) {
        expect(() =>
          new Webhook(secret).verify(vector.body, headers, { jsonParse: false }),
        ).not.toThrow();
      }
    },
  );

  it('for freshly generated secrets of every allowed size and a live clock', () => {
    for (const bytes of [24, 32, 48, 64]) {
      const secret = generateSecret(bytes);
      const body = JSON.stringify({ type: 'user.created', data: { name: 'Zoë 🚀', n: bytes } });
      const headers = buildHeaders({
        msgId: `msg_${bytes}`,
        timestampSec: Math.floor(Date.now() / 1000),
        body,
        secrets: [secret],
      });
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it('and rejects what Herald did not sign', () => {
    const secret = generateSecret();
    const body = '{"a":1}';
    const headers = buildHeaders({
      msgId: 'msg_1',
      timestampSec: Math.floor(Date.now() / 1000),
      body,
      secrets: [secret],
    });
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow(
      ReferenceVerificationError,
    );
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(
      ReferenceVerificationError,
    );
  });
});

describe('Herald verifies what standardwebhooks signs', () => {
  it.each(SIGNING_VECTORS.sign.map((vector) => [vector.name, vector] as const))(
    'vector: %s',
    (_, vector) => {
      const signatures = vector.secrets.map((secret) =>
        new Webhook(secret).sign(vector.msgId, new Date(vector.timestamp * 1000), vector.body),
      );
      expect(signatures.join(' ')).toBe(vector.signature);
      const headers = {
        'webhook-id': vector.msgId,
        'webhook-timestamp': String(vector.timestamp),
        'webhook-signature': signatures.join(' '),
      };
      for (const secret of vector.secrets)
        expect(verify(vector.body, headers, secret, { nowSec: vector.timestamp }).msgId).toBe(
          vector.msgId,
        );
    },
  );

  it('for freshly generated secrets and a live clock', () => {
    for (const bytes of [24, 32, 64]) {
      const secret = generateSecret(bytes);
      const body = `{"unicode":"√ ∞ 漢字 🧾","n":${bytes}}`;
      const now = new Date();
      const signature = new Webhook(secret).sign('msg_ref', now, body);
      expect(signature).toBe(
        sign({ msgId: 'msg_ref', timestampSec: Math.floor(now.getTime() / 1000), body, secret }),
      );
      const headers = {
        'Webhook-Id': 'msg_ref',
        'Webhook-Timestamp': String(Math.floor(now.getTime() / 1000)),
        'Webhook-Signature': signature,
      };
      expect(verify(body, headers, secret).msgId).toBe('msg_ref');
    }
  });
});

describe('both implementations agree on the verification vectors', () => {
  it.each(SIGNING_VECTORS.verify.map((vector) => [vector.name, vector] as const))(
    '%s',
    (_, vector) => {
      atTime(vector.nowSec);
      const referenceAccepts = vector.secrets.some((secret) => {
        try {
          new Webhook(secret).verify(vector.body, vector.headers, { jsonParse: false });
          return true;
        } catch {
          return false;
        }
      });
      // The reference is laxer about malformed timestamps (parseInt reads "1736942400.5" as a
      // number), so only compare the verdict where the standard leaves no room.
      if (vector.expected !== 'INVALID_HEADERS')
        expect(referenceAccepts).toBe(vector.expected === 'valid');
    },
  );
});
