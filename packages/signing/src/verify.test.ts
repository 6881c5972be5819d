import { describe, expect, it } from 'vitest';
import {
  InvalidHeadersError,
  InvalidSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  TimestampTooNewError,
  TimestampTooOldError,
  WebhookVerificationError,
} from './errors';
import { generateSecret } from './secret';
import { buildHeaders, sign } from './sign';
import { verify } from './verify';
import { SIGNING_VECTORS } from './vectors';

describe('verification vectors', () => {
  it('has positive and negative cases', () => {
    expect(
      SIGNING_VECTORS.verify.filter((v) => v.expected === 'valid').length,
    ).toBeGreaterThanOrEqual(5);
    expect(
      SIGNING_VECTORS.verify.filter((v) => v.expected !== 'valid').length,
    ).toBeGreaterThanOrEqual(5);
  });

  it.each(SIGNING_VECTORS.verify.map((vector) => [vector.name, vector] as const))(
    '%s',
    (_, vector) => {
      const run = () =>
        verify(vector.body, vector.headers, vector.secrets, {
          nowSec: vector.nowSec,
          toleranceSec: SIGNING_VECTORS.toleranceSec,
        });
      if (vector.expected === 'valid') {
        expect(run()).toEqual({
          msgId: vector.headers['webhook-id'],
          timestampSec: Number(vector.headers['webhook-timestamp']),
        });
      } else {
        expect(run).toThrow(WebhookVerificationError);
        expect(run).toThrow(expect.objectContaining({ code: vector.expected }));
      }
    },
  );
});

describe('verify', () => {
  const secret = generateSecret();
  const now = 1_736_942_400;
  const body = '{"type":"invoice.paid","data":{"amount":4200}}';
  const headers = buildHeaders({
    msgId: 'msg_01JH8ZQ0G4B5Y7K2M3N4P5Q6R7',
    timestampSec: now,
    body,
    secrets: [secret],
  });

  function failure(run: () => unknown): unknown {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error('expected verification to fail');
  }

  it('round-trips', () => {
    expect(verify(body, headers, secret, { nowSec: now })).toEqual({
      msgId: headers['webhook-id'],
      timestampSec: now,
    });
    expect(verify(Buffer.from(body), headers, [secret], { nowSec: now }).msgId).toBe(
      headers['webhook-id'],
    );
  });

  it('uses the system clock by default', () => {
    const fresh = buildHeaders({
      msgId: 'msg_1',
      timestampSec: Math.floor(Date.now() / 1000),
      body,
      secrets: [secret],
    });
    expect(verify(body, fresh, secret).msgId).toBe('msg_1');
    expect(() => verify(body, headers, secret)).toThrow(TimestampTooOldError);
  });

  it('rejects tampering with the body, id or timestamp', () => {
    expect(() => verify(body + ' ', headers, secret, { nowSec: now })).toThrow(
      InvalidSignatureError,
    );
    expect(() =>
      verify(body, { ...headers, 'webhook-id': 'msg_other' }, secret, { nowSec: now }),
    ).toThrow(InvalidSignatureError);
    expect(() =>
      verify(body, { ...headers, 'webhook-timestamp': String(now - 1) }, secret, { nowSec: now }),
    ).toThrow(InvalidSignatureError);
    expect(() => verify(body, headers, generateSecret(), { nowSec: now })).toThrow(
      InvalidSignatureError,
    );
  });

  it('enforces the tolerance window both ways, inclusive at the edge', () => {
    expect(verify(body, headers, secret, { nowSec: now + 300 }).timestampSec).toBe(now);
    expect(verify(body, headers, secret, { nowSec: now - 300 }).timestampSec).toBe(now);
    const old = failure(() => verify(body, headers, secret, { nowSec: now + 301 }));
    expect(old).toBeInstanceOf(TimestampTooOldError);
    expect(old).toMatchObject({ code: 'TIMESTAMP_TOO_OLD', name: 'TimestampTooOldError' });
    const early = failure(() => verify(body, headers, secret, { nowSec: now - 301 }));
    expect(early).toBeInstanceOf(TimestampTooNewError);
    expect(early).toMatchObject({ code: 'TIMESTAMP_TOO_NEW' });
  });

  it('honours a custom tolerance', () => {
    expect(() => verify(body, headers, secret, { nowSec: now + 10, toleranceSec: 5 })).toThrow(
      TimestampTooOldError,
    );
    expect(verify(body, headers, secret, { nowSec: now + 10, toleranceSec: 10 }).timestampSec).toBe(
      now,
    );
    expect(
      verify(body, headers, secret, { nowSec: now + 86_400, toleranceSec: 86_400 }).timestampSec,
    ).toBe(now);
    expect(() => verify(body, headers, secret, { nowSec: now, toleranceSec: -1 })).toThrow(
      RangeError,
    );
  });

  it('checks the timestamp before the signature, so replays fail even when authentic', () => {
    expect(() => verify('tampered', headers, secret, { nowSec: now + 1000 })).toThrow(
      TimestampTooOldError,
    );
  });

  it('accepts any one matching v1 signature among many', () => {
    const [a, b, c] = [generateSecret(), generateSecret(), generateSecret()];
    const multi = buildHeaders({ msgId: 'msg_1', timestampSec: now, body, secrets: [a, b] });
    expect(verify(body, multi, a, { nowSec: now }).msgId).toBe('msg_1');
    expect(verify(body, multi, b, { nowSec: now }).msgId).toBe('msg_1');
    expect(verify(body, multi, [c, b], { nowSec: now }).msgId).toBe('msg_1');
    expect(() => verify(body, multi, c, { nowSec: now })).toThrow(InvalidSignatureError);
  });

  it('skips other versions and junk around a valid signature', () => {
    const valid = sign({ msgId: 'msg_1', timestampSec: now, body, secret });
    const bytes = valid.slice(3);
    const noisy = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now),
      'webhook-signature': `v1a,${bytes}   v2,${bytes} garbage v1,!!!  v1, ${valid}`,
    };
    expect(verify(body, noisy, secret, { nowSec: now }).msgId).toBe('msg_1');
  });

  it('refuses a v1 signature that is not canonical 32-byte base64', () => {
    const valid = sign({ msgId: 'msg_1', timestampSec: now, body, secret });
    const variants = [
      valid.slice(0, -1),
      `${valid}=`,
      `${valid}AAAA`,
      valid.replace('v1,', 'V1,'),
      valid.replace('v1,', 'v1;'),
    ];
    for (const signature of variants) {
      expect(() =>
        verify(
          body,
          {
            'webhook-id': 'msg_1',
            'webhook-timestamp': String(now),
            'webhook-signature': signature,
          },
          secret,
          { nowSec: now },
        ),
      ).toThrow(InvalidSignatureError);
    }
  });

  it('tolerates repeated signature headers joined by a comma', () => {
    const other = generateSecret();
    const joined = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now),
      'webhook-signature': [
        sign({ msgId: 'msg_1', timestampSec: now, body, secret: other }),
        sign({ msgId: 'msg_1', timestampSec: now, body, secret }),
      ],
    };
    expect(verify(body, joined, secret, { nowSec: now }).msgId).toBe('msg_1');
    const fetchHeaders = new Headers({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(now) });
    fetchHeaders.append(
      'webhook-signature',
      sign({ msgId: 'msg_1', timestampSec: now, body, secret: other }),
    );
    fetchHeaders.append(
      'webhook-signature',
      sign({ msgId: 'msg_1', timestampSec: now, body, secret }),
    );
    expect(verify(body, fetchHeaders, secret, { nowSec: now }).msgId).toBe('msg_1');
  });

  it('reads headers case-insensitively from objects, Headers and pairs', () => {
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify(body, upper, secret, { nowSec: now }).timestampSec).toBe(now);
    expect(verify(body, new Headers(headers), secret, { nowSec: now }).timestampSec).toBe(now);
    expect(verify(body, Object.entries(headers), secret, { nowSec: now }).timestampSec).toBe(now);
    expect(verify(body, new Map(Object.entries(upper)), secret, { nowSec: now }).timestampSec).toBe(
      now,
    );
  });

  it('names the missing headers', () => {
    const error = failure(() =>
      verify(body, { 'webhook-id': 'msg_1', 'webhook-signature': '  ' }, secret, { nowSec: now }),
    );
    expect(error).toBeInstanceOf(MissingHeadersError);
    expect(error).toMatchObject({
      code: 'MISSING_HEADERS',
      missing: ['webhook-timestamp', 'webhook-signature'],
    });
    expect(() => verify(body, {}, secret)).toThrow(
      /webhook-id, webhook-timestamp, webhook-signature/,
    );
  });

  it.each(['abc', '-1', '1.5', '1e9', '0x10', '99999999999999999'])(
    'refuses timestamp %j as malformed',
    (timestamp) => {
      expect(() =>
        verify(body, { ...headers, 'webhook-timestamp': timestamp }, secret, { nowSec: now }),
      ).toThrow(InvalidHeadersError);
    },
  );

  it("treats a bad secret as the caller's bug, not a verification failure", () => {
    const error = failure(() => verify(body, headers, 'whsec_tooshort', { nowSec: now }));
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect(error).not.toBeInstanceOf(WebhookVerificationError);
    expect(() => verify(body, headers, [], { nowSec: now })).toThrow(InvalidSecretError);
  });

  it('gives every failure a stable code and a working instanceof', () => {
    const errors = [
      new MissingHeadersError(['webhook-id']),
      new InvalidHeadersError('x'),
      new InvalidSignatureError(),
      new TimestampTooOldError(1, 400, 300),
      new TimestampTooNewError(400, 1, 300),
    ];
    expect(errors.map((e) => e.code)).toEqual([
      'MISSING_HEADERS',
      'INVALID_HEADERS',
      'INVALID_SIGNATURE',
      'TIMESTAMP_TOO_OLD',
      'TIMESTAMP_TOO_NEW',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
    }
  });
});
