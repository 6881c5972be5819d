import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, parseSecret } from './secret';
import { buildHeaders, sign, signatureHeader } from './sign';
import { SIGNING_VECTORS } from './vectors';

describe('signing vectors', () => {
  it('has cases', () => {
    expect(SIGNING_VECTORS.sign.length).toBeGreaterThanOrEqual(5);
  });

  it.each(SIGNING_VECTORS.sign.map((vector) => [vector.name, vector] as const))(
    '%s',
    (_, vector) => {
      expect(signatureHeader(vector.msgId, vector.timestamp, vector.body, vector.secrets)).toBe(
        vector.signature,
      );
      expect(
        signatureHeader(
          vector.msgId,
          vector.timestamp,
          Buffer.from(vector.body, 'utf8'),
          vector.secrets,
        ),
      ).toBe(vector.signature);
    },
  );
});

describe('sign', () => {
  const secret = generateSecret();

  it('is v1, then the base64 HMAC-SHA256 of "id.timestamp.body"', () => {
    const expected = createHmac('sha256', parseSecret(secret))
      .update('msg_1.1700000000.{"a":1}')
      .digest('base64');
    expect(sign({ msgId: 'msg_1', timestampSec: 1_700_000_000, body: '{"a":1}', secret })).toBe(
      `v1,${expected}`,
    );
  });

  it('signs binary bodies byte for byte', () => {
    const body = Uint8Array.from([0, 0xff, 0xfe, 0x80, 10]);
    const expected = createHmac('sha256', parseSecret(secret))
      .update(Buffer.concat([Buffer.from('msg_1.5.'), body]))
      .digest('base64');
    expect(sign({ msgId: 'msg_1', timestampSec: 5, body, secret })).toBe(`v1,${expected}`);
  });

  it('accepts raw key bytes', () => {
    const key = parseSecret(secret);
    expect(sign({ msgId: 'msg_1', timestampSec: 1, body: 'x', secret: key })).toBe(
      sign({ msgId: 'msg_1', timestampSec: 1, body: 'x', secret }),
    );
  });

  it.each([
    ['', 1],
    ['msg.1', 1],
    ['msg 1', 1],
    ['msg_1', -1],
    ['msg_1', 1.5],
    ['msg_1', 1_700_000_000_000.5],
  ])('refuses msgId %j / timestamp %s', (msgId, timestampSec) => {
    expect(() => sign({ msgId, timestampSec, body: 'x', secret })).toThrow(TypeError);
  });
});

describe('signatureHeader / buildHeaders', () => {
  const secrets = [generateSecret(), generateSecret()];

  it('lists one signature per secret, space-separated, in order', () => {
    const header = signatureHeader('msg_1', 10, 'body', secrets);
    expect(header.split(' ')).toEqual(
      secrets.map((secret) => sign({ msgId: 'msg_1', timestampSec: 10, body: 'body', secret })),
    );
  });

  it('needs at least one secret', () => {
    expect(() => signatureHeader('msg_1', 10, 'body', [])).toThrow(TypeError);
  });

  it('builds the three Standard Webhooks headers', () => {
    expect(buildHeaders({ msgId: 'msg_1', timestampSec: 10, body: 'body', secrets })).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '10',
      'webhook-signature': signatureHeader('msg_1', 10, 'body', secrets),
    });
  });
});
