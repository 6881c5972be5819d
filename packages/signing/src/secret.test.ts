import { describe, expect, it } from 'vitest';
import { InvalidSecretError } from './errors';
import { generateSecret, MAX_SECRET_BYTES, MIN_SECRET_BYTES, parseSecret, toKey } from './secret';

describe('generateSecret', () => {
  it('is whsec_ + base64 of 32 random bytes by default', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(parseSecret(secret)).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it.each([24, 33, 48, 64])('makes %i-byte secrets', (bytes) => {
    expect(parseSecret(generateSecret(bytes))).toHaveLength(bytes);
  });

  it.each([0, 16, 23, 65, 1.5, Number.NaN])('refuses %s bytes', (bytes) => {
    expect(() => generateSecret(bytes)).toThrow(InvalidSecretError);
  });
});

describe('parseSecret', () => {
  const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');

  it('accepts the secret with or without the prefix', () => {
    expect(parseSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').equals(key)).toBe(true);
    expect(parseSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').equals(key)).toBe(true);
    expect(parseSecret('  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n').equals(key)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['whsec_', /empty/],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', /base64/], // length not a multiple of 4
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w', /base64/], // base64url character
    ['whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw', /base64/],
    ['whsec_MfKQ9r8G=KYqrTwjUPD8ILPZIo2LaLaS', /base64/], // padding in the middle
    ['whsec_' + Buffer.alloc(MIN_SECRET_BYTES - 1).toString('base64'), /24 to 64 bytes, got 23/],
    ['whsec_' + Buffer.alloc(MAX_SECRET_BYTES + 1).toString('base64'), /24 to 64 bytes, got 65/],
    ['WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /base64/],
  ])('refuses %j with a clear error', (secret, message) => {
    expect(() => parseSecret(secret)).toThrow(InvalidSecretError);
    expect(() => parseSecret(secret)).toThrow(message);
  });

  it('carries a stable code', () => {
    try {
      parseSecret('nope!');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSecretError);
      expect((error as InvalidSecretError).code).toBe('INVALID_SECRET');
    }
  });
});

describe('toKey', () => {
  it('uses raw key bytes as they are, within the same bounds', () => {
    const raw = new Uint8Array(32).fill(7);
    expect([...toKey(raw)]).toEqual([...raw]);
    expect(() => toKey(new Uint8Array(8))).toThrow(InvalidSecretError);
  });
});
