import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors';
import {
  createIdFactory,
  ID_PREFIXES,
  idPrefixOf,
  idTimestamp,
  isId,
  maxIdForTime,
  minIdForTime,
  newId,
  randomBytesFrom,
  type IdPrefix,
} from './ids';

const zeros = (n: number) => new Uint8Array(n);
const ones = (n: number) => new Uint8Array(n).fill(0xff);

describe('newId', () => {
  it('is the prefix, an underscore and a 26-char Crockford base32 body', () => {
    const id = newId('msg');
    expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId('msg', id)).toBe(true);
  });

  it('encodes the timestamp like ULID', () => {
    // Reference value from the ULID specification.
    expect(newId('app', 1469918176385, zeros).slice(4, 14)).toBe('01ARYZ6S41');
    expect(newId('app', 0, zeros)).toBe('app_' + '0'.repeat(26));
    expect(newId('app', 2 ** 48 - 1, ones)).toBe('app_7' + 'Z'.repeat(25));
  });

  it('encodes all 80 random bits', () => {
    const bytes = Uint8Array.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(newId('ep', 0, () => bytes).slice(-16)).toBe('G000000000000001');
  });

  it('sorts by time as a string', () => {
    const times = [0, 1, 31, 32, 1_000, 2 ** 40, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1];
    const ids = times.map((t) => newId('dlv', t, ones));
    expect([...ids].sort()).toEqual(ids);
    // Random bits never outweigh a later millisecond.
    expect(newId('dlv', 5, ones) < newId('dlv', 6, zeros)).toBe(true);
  });

  it('round-trips the timestamp', () => {
    for (const t of [0, 1, 1_714_000_000_123, 2 ** 48 - 1])
      expect(idTimestamp(newId('atm', t))).toBe(t);
  });

  it('refuses timestamps outside 48 bits and unknown prefixes', () => {
    expect(() => newId('msg', -1)).toThrow(RangeError);
    expect(() => newId('msg', 2 ** 48)).toThrow(RangeError);
    expect(() => newId('msg', 1.5)).toThrow(RangeError);
    expect(() => newId('nope' as IdPrefix)).toThrow(TypeError);
  });

  it('uses globalThis.crypto by default', () => {
    const a = newId('ses', 1000);
    const b = newId('ses', 1000);
    expect(a).not.toBe(b);
  });

  it('accepts a () => number source for workflows', () => {
    let i = 0;
    const fixed = randomBytesFrom(() => [0, 0.5, 0.999][i++ % 3] ?? 0);
    const bytes = fixed(3);
    expect([...bytes]).toEqual([0, 128, 255]);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => newId('msg', 0, () => new Uint8Array(3))).toThrow(RangeError);
  });

  it('knows every prefix', () => {
    expect(Object.values(ID_PREFIXES).sort()).toEqual([
      'app',
      'atm',
      'dlv',
      'ep',
      'et',
      'inv',
      'key',
      'mbr',
      'msg',
      'pln',
      'pss',
      'sec',
      'ses',
      'tnt',
      'usr',
    ]);
    for (const prefix of Object.values(ID_PREFIXES)) expect(idPrefixOf(newId(prefix))).toBe(prefix);
  });
});

describe('createIdFactory', () => {
  it('stays strictly increasing within one millisecond', () => {
    const next = createIdFactory();
    const ids = Array.from({ length: 1000 }, () => next('msg', 1_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('increments the random part within one millisecond', () => {
    const next = createIdFactory(zeros);
    expect(next('msg', 7).slice(-3)).toBe('000');
    expect(next('msg', 7).slice(-3)).toBe('001');
    expect(next('msg', 7).slice(-3)).toBe('002');
    const later = next('msg', 8);
    expect(later.slice(-3)).toBe('000');
    expect(idTimestamp(later)).toBe(8);
  });

  it('stays increasing when the clock steps back', () => {
    let seed = 1;
    const next = createIdFactory(
      randomBytesFrom(() => (seed = (seed * 16807) % 2147483647) / 2147483647),
    );
    const ids = [
      next('msg', 100),
      next('msg', 100),
      next('msg', 50),
      next('msg', 101),
      next('msg', 101),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('throws rather than wrap when 80 bits overflow', () => {
    const next = createIdFactory(ones);
    next('msg', 1);
    expect(() => next('msg', 1)).toThrow(RangeError);
  });
});

describe('isId / idPrefixOf / idTimestamp', () => {
  const good = newId('ep', 1_700_000_000_000);

  it('validates shape and prefix', () => {
    expect(isId('ep', good)).toBe(true);
    expect(isId('app', good)).toBe(false);
    expect(isId('ep', good.toLowerCase())).toBe(false);
    expect(isId('ep', good + '0')).toBe(false);
    expect(isId('ep', good.slice(0, -1))).toBe(false);
    expect(isId('ep', 'ep_8' + '0'.repeat(25))).toBe(false); // timestamp beyond 48 bits
    expect(isId('ep', 'ep_0000000000000000000000000I')).toBe(false); // I is not Crockford
    expect(isId('ep', 'ep_' + 'U'.repeat(26))).toBe(false);
    expect(isId('ep', 42)).toBe(false);
    expect(isId('ep', null)).toBe(false);
  });

  it('finds the prefix of an id, and nothing else', () => {
    expect(idPrefixOf(good)).toBe('ep');
    expect(idPrefixOf('my-customer_42')).toBeNull();
    expect(idPrefixOf('app_notanid')).toBeNull();
    expect(idPrefixOf('plain')).toBeNull();
  });

  it('throws ValidationError for a malformed id', () => {
    expect(() => idTimestamp('msg_bogus')).toThrow(ValidationError);
  });

  it('bounds a millisecond with min/max cursors', () => {
    const t = 1_700_000_000_000;
    const id = newId('msg', t);
    expect(minIdForTime('msg', t) <= id && id <= maxIdForTime('msg', t)).toBe(true);
    expect(maxIdForTime('msg', t - 1) < id).toBe(true);
    expect(minIdForTime('msg', t + 1) > id).toBe(true);
    expect(isId('msg', minIdForTime('msg', t))).toBe(true);
    expect(isId('msg', maxIdForTime('msg', t))).toBe(true);
  });
});
