import { describe, expect, it } from 'vitest';
import { SecretCipher, hashToken, newToken } from './crypto';

describe('SecretCipher', () => {
  const cipher = new SecretCipher(Buffer.alloc(32, 3));

  it('round-trips and never stores the plaintext', () => {
    const blob = cipher.encrypt('whsec_c2VjcmV0', 'sec_1');
    expect(blob.includes(Buffer.from('whsec_c2VjcmV0'))).toBe(false);
    expect(cipher.decrypt(blob, 'sec_1')).toBe('whsec_c2VjcmV0');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('x', 'a').equals(cipher.encrypt('x', 'a'))).toBe(false);
  });

  it('refuses a ciphertext moved to another row or tampered with', () => {
    const blob = cipher.encrypt('whsec_abc', 'sec_1');
    expect(() => cipher.decrypt(blob, 'sec_2')).toThrow();
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered, 'sec_1')).toThrow();
  });

  it('refuses the wrong key', () => {
    const blob = cipher.encrypt('whsec_abc', 'sec_1');
    expect(() => new SecretCipher(Buffer.alloc(32, 4)).decrypt(blob, 'sec_1')).toThrow();
  });
});

describe('tokens', () => {
  it('are prefixed, random and hashed stably', () => {
    const a = newToken('hk_');
    expect(a.startsWith('hk_')).toBe(true);
    expect(a).not.toBe(newToken('hk_'));
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
