import { describe, expect, it } from 'vitest';
import { validateApplicationUid, validateChannel, validateEventTypeName } from './event-type';

describe('validateEventTypeName', () => {
  it.each(['invoice.paid', 'user.created.v2', 'a', 'A-b_c.D9', 'x'.repeat(256)])(
    'accepts %s',
    (name) => {
      expect(validateEventTypeName(name)).toEqual({ ok: true, value: name });
    },
  );

  it.each([
    '',
    '.invoice',
    'invoice.',
    'invoice..paid',
    'invoice paid',
    'invoice/paid',
    'invoice.*',
    'ünïcode',
    'x'.repeat(257),
  ])('refuses %j', (name) => {
    expect(validateEventTypeName(name).ok).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(validateEventTypeName(42)).toEqual({
      ok: false,
      error: 'Event type name must be a string',
    });
  });
});

describe('validateChannel', () => {
  it.each(['project_123', 'org:acme', 'eu-west.1', 'a', 'c'.repeat(128)])('accepts %s', (name) => {
    expect(validateChannel(name).ok).toBe(true);
  });

  it.each(['', 'has space', 'a/b', 'a*', 'c'.repeat(129)])('refuses %j', (name) => {
    expect(validateChannel(name).ok).toBe(false);
  });
});

describe('validateApplicationUid', () => {
  it.each(['cus_123', 'customer-42', 'acme.corp', 'u'.repeat(256)])('accepts %s', (uid) => {
    expect(validateApplicationUid(uid).ok).toBe(true);
  });

  it.each([
    '',
    'a b',
    'a:b',
    'u'.repeat(257),
    'app_01HV0000000000000000000000',
    'app_anything',
    'APP_x',
  ])('refuses %j', (uid) => {
    expect(validateApplicationUid(uid).ok).toBe(false);
  });

  it('explains why an app_ uid is refused', () => {
    const result = validateApplicationUid('app_123');
    expect(result.ok === false && result.error).toMatch(/reserved/);
  });
});
