import { describe, expect, it } from 'vitest';
import { PAYLOAD_FILTER_LIMITS, validatePayloadFilter, type PayloadFilter } from './filter';
import { jsonEqual, matchesEndpoint, matchesPayloadFilter, resolvePath } from './filter-match';

const payload = {
  type: 'invoice.paid',
  data: {
    id: 'in_123',
    amount: 4200,
    currency: 'usd',
    paid: true,
    refunded: null,
    paidAt: '2025-01-15T12:00:00Z',
    customer: { email: 'ops@example.test', tier: 'gold' },
    tags: ['vip', 'eu'],
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    meta: { '0': 'zero-key' },
  },
};

function matches(filter: PayloadFilter, value: unknown = payload): boolean {
  const validated = validatePayloadFilter(filter);
  if (!validated.ok) throw new Error(`test filter is invalid: ${validated.error}`);
  return matchesPayloadFilter(validated.filter, value);
}

describe('matchesPayloadFilter', () => {
  it('matches everything with an empty filter', () => {
    expect(matches({})).toBe(true);
    expect(matches({}, null)).toBe(true);
  });

  it('compares literals by deep equality', () => {
    expect(matches({ 'data.currency': 'usd' })).toBe(true);
    expect(matches({ 'data.currency': 'eur' })).toBe(false);
    expect(matches({ 'data.amount': 4200, 'data.paid': true })).toBe(true);
    expect(matches({ 'data.amount': '4200' })).toBe(false);
    expect(matches({ 'data.refunded': null })).toBe(true);
    expect(matches({ 'data.missing': null })).toBe(false);
    expect(matches({ 'data.customer': { tier: 'gold', email: 'ops@example.test' } })).toBe(true);
    expect(matches({ 'data.customer': { tier: 'gold' } })).toBe(false);
    expect(matches({ 'data.tags': ['vip', 'eu'] })).toBe(true);
    expect(matches({ 'data.tags': ['eu', 'vip'] })).toBe(false);
    expect(matches({ 'data.tags': 'vip' })).toBe(false); // no implicit array membership: use $contains
  });

  it('indexes arrays by number', () => {
    expect(matches({ 'data.items.0.sku': 'A-1' })).toBe(true);
    expect(matches({ 'data.items.1.qty': { $gte: 1 } })).toBe(true);
    expect(matches({ 'data.items.2.sku': { $exists: true } })).toBe(false);
    expect(matches({ 'data.items.01.sku': 'B-2' })).toBe(false);
    expect(matches({ 'data.items.-1.sku': { $exists: true } })).toBe(false);
    expect(matches({ 'data.items.length': 2 })).toBe(false);
    expect(matches({ 'data.meta.0': 'zero-key' })).toBe(true); // numeric key on an object
  });

  it('never walks into prototypes', () => {
    expect(matches({ 'data.constructor': { $exists: true } })).toBe(false);
    expect(matches({ 'data.__proto__': { $exists: true } })).toBe(false);
    expect(matches({ 'data.currency.length': 3 })).toBe(false);
    expect(matches({ 'data.toString': { $exists: true } })).toBe(false);
  });

  it('supports $eq and $ne', () => {
    expect(matches({ 'data.currency': { $eq: 'usd' } })).toBe(true);
    expect(matches({ 'data.currency': { $ne: 'usd' } })).toBe(false);
    expect(matches({ 'data.currency': { $ne: 'eur' } })).toBe(true);
    expect(matches({ 'data.missing': { $ne: 'eur' } })).toBe(true);
    expect(matches({ 'data.customer': { $eq: { email: 'ops@example.test', tier: 'gold' } } })).toBe(
      true,
    );
  });

  it('compares numbers with numbers and strings with strings only', () => {
    expect(matches({ 'data.amount': { $gt: 4199, $lt: 4201 } })).toBe(true);
    expect(matches({ 'data.amount': { $gte: 4200, $lte: 4200 } })).toBe(true);
    expect(matches({ 'data.amount': { $gt: 4200 } })).toBe(false);
    expect(matches({ 'data.amount': { $gt: '1000' } })).toBe(false);
    expect(
      matches({ 'data.paidAt': { $gte: '2025-01-01T00:00:00Z', $lt: '2025-02-01T00:00:00Z' } }),
    ).toBe(true);
    expect(matches({ 'data.paid': { $gt: 0 } })).toBe(false);
    expect(matches({ 'data.refunded': { $lt: 1 } })).toBe(false);
    expect(matches({ 'data.missing': { $lt: 1 } })).toBe(false);
  });

  it('supports $in and $nin', () => {
    expect(matches({ 'data.currency': { $in: ['usd', 'eur'] } })).toBe(true);
    expect(matches({ 'data.currency': { $in: ['gbp'] } })).toBe(false);
    expect(matches({ 'data.currency': { $nin: ['gbp'] } })).toBe(true);
    expect(matches({ 'data.currency': { $nin: ['usd'] } })).toBe(false);
    expect(matches({ 'data.missing': { $in: [null] } })).toBe(false);
    expect(matches({ 'data.refunded': { $in: [null] } })).toBe(true);
  });

  it('supports $exists, where null exists', () => {
    expect(matches({ 'data.refunded': { $exists: true } })).toBe(true);
    expect(matches({ 'data.missing': { $exists: false } })).toBe(true);
    expect(matches({ 'data.amount': { $exists: false } })).toBe(false);
    expect(matches({ 'data.amount.deeper': { $exists: false } })).toBe(true);
  });

  it('supports $contains on strings and arrays', () => {
    expect(matches({ 'data.customer.email': { $contains: '@example' } })).toBe(true);
    expect(matches({ 'data.tags': { $contains: 'vip' } })).toBe(true);
    expect(matches({ 'data.tags': { $contains: 'us' } })).toBe(false);
    expect(matches({ 'data.items': { $contains: { sku: 'B-2', qty: 1 } } })).toBe(true);
    expect(matches({ 'data.amount': { $contains: 42 } })).toBe(false);
    expect(matches({ 'data.customer.email': { $contains: 1 } })).toBe(false);
  });

  it('supports $startsWith', () => {
    expect(matches({ 'data.id': { $startsWith: 'in_' } })).toBe(true);
    expect(matches({ 'data.id': { $startsWith: 'ch_' } })).toBe(false);
    expect(matches({ 'data.amount': { $startsWith: '42' } })).toBe(false);
  });

  it('supports $and, $or and $not', () => {
    expect(matches({ $and: [{ 'data.currency': 'usd' }, { 'data.amount': { $gt: 1000 } }] })).toBe(
      true,
    );
    expect(
      matches({ $and: [{ 'data.currency': 'usd' }, { 'data.amount': { $gt: 10_000 } }] }),
    ).toBe(false);
    expect(matches({ $or: [{ 'data.currency': 'eur' }, { 'data.customer.tier': 'gold' }] })).toBe(
      true,
    );
    expect(matches({ $or: [{ 'data.currency': 'eur' }, { 'data.customer.tier': 'silver' }] })).toBe(
      false,
    );
    expect(matches({ $not: { 'data.currency': 'eur' } })).toBe(true);
    expect(matches({ $not: { 'data.currency': 'usd' } })).toBe(false);
    expect(
      matches({
        type: 'invoice.paid',
        $or: [
          { 'data.amount': { $gte: 10_000 } },
          {
            $and: [
              { 'data.tags': { $contains: 'vip' } },
              { $not: { 'data.refunded': { $ne: null } } },
            ],
          },
        ],
      }),
    ).toBe(true);
  });

  it('does not match non-object payloads on field conditions', () => {
    for (const value of [null, undefined, 42, 'text', [1, 2]])
      expect(matches({ a: 1 }, value)).toBe(false);
  });

  it('never throws, and never matches, on malformed filters', () => {
    const malformed: unknown[] = [
      null,
      [],
      'x',
      { $regex: 'a+' },
      { a: { $regex: '^(a+)+$' } },
      { a: { $gt: {} } },
      { a: { $in: 'notarray' } },
      { a: { $exists: 'yes' } },
      { a: { $startsWith: 1 } },
      { a: { $eq: 1, b: 2 } },
      { $and: [] },
      { $and: 'x' },
      { $or: [1] },
      { $not: 'x' },
      { $not: { a: { $bogus: 1 } } }, // $not must not turn "malformed" into a match
      { $not: { $or: [] } },
      { b: 1, $and: [{ a: { $bogus: 1 } }] },
    ];
    for (const filter of malformed) {
      expect(matchesPayloadFilter(filter as PayloadFilter, { a: 1, b: 2 })).toBe(false);
    }
  });

  it('survives a pathologically deep unvalidated filter', () => {
    let filter: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 100_000; i++) filter = { $not: filter };
    expect(matchesPayloadFilter(filter, { a: 1 })).toBe(false);
  });
});

describe('validatePayloadFilter', () => {
  it('accepts a realistic filter and returns it', () => {
    const filter = {
      'data.amount': { $gte: 100 },
      $or: [{ 'data.currency': 'usd' }, { 'data.tags': { $contains: 'vip' } }],
    };
    expect(validatePayloadFilter(filter)).toEqual({ ok: true, filter });
    expect(validatePayloadFilter({})).toEqual({ ok: true, filter: {} });
    expect(validatePayloadFilter({ a: {} }).ok).toBe(true); // literal empty object
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['a non-object', [], /JSON object/],
    ['null', null, /JSON object/],
    ['$regex', { a: { $regex: '.*' } }, /\$regex is not supported/],
    ['$where at top level', { $where: 'x' }, /Unknown operator "\$where"/],
    ['an unknown field operator', { a: { $gt: 1, $near: 2 } }, /Unknown operator "\$near"/],
    ['mixed operator and literal keys', { a: { $eq: 1, b: 2 } }, /mixes operators/],
    ['an empty $and', { $and: [] }, /non-empty array/],
    ['$or that is not an array', { $or: { a: 1 } }, /non-empty array/],
    ['$not that is not an object', { $not: [{ a: 1 }] }, /must be an object/],
    ['$gt on a boolean', { a: { $gt: true } }, /number or a string/],
    ['$in without an array', { a: { $in: 1 } }, /takes an array/],
    ['$exists without a boolean', { a: { $exists: 1 } }, /true or false/],
    ['$startsWith without a string', { a: { $startsWith: 1 } }, /takes a string/],
    ['an empty path segment', { 'a..b': 1 }, /empty segment/],
    ['a trailing dot', { 'a.': 1 }, /empty segment/],
    ['a path that is too long', { ['a.'.repeat(200) + 'a']: 1 }, /too long/],
    ['undefined values', { a: undefined }, /must be JSON/],
    ['non-finite numbers', { a: { $gt: Number.POSITIVE_INFINITY } }, /number or a string/],
    ['a Date', { a: new Date(0) }, /must be JSON/],
    ['a function', { a: () => 1 }, /must be JSON/],
    ['BigInt', { a: 1n }, /plain JSON/],
  ];

  it.each(invalid)('refuses %s', (_, filter, message) => {
    const result = validatePayloadFilter(filter);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error).toMatch(message);
  });

  it('refuses cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    expect(validatePayloadFilter(cyclic).ok).toBe(false);
  });

  it('bounds depth at 8', () => {
    const nested = (levels: number) => {
      let filter: Record<string, unknown> = { a: 1 };
      for (let i = 1; i < levels; i++) filter = { $not: filter };
      return filter;
    };
    expect(validatePayloadFilter(nested(PAYLOAD_FILTER_LIMITS.maxDepth - 1)).ok).toBe(true);
    const tooDeep = validatePayloadFilter(nested(PAYLOAD_FILTER_LIMITS.maxDepth + 1));
    expect(tooDeep.ok === false && tooDeep.error).toMatch(/deeper than 8/);
    // Literal values count too.
    expect(
      validatePayloadFilter({ a: { $eq: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } }).ok,
    ).toBe(false);
  });

  it('bounds conditions at 64', () => {
    const build = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
    expect(validatePayloadFilter(build(64)).ok).toBe(true);
    const tooMany = validatePayloadFilter(build(65));
    expect(tooMany.ok === false && tooMany.error).toMatch(/more than 64 conditions/);
    // Each operator counts.
    expect(
      validatePayloadFilter({
        a: { $gt: 1, $lt: 2 },
        $and: Array.from({ length: 62 }, (_, i) => ({ [`f${i}`]: i })),
      }).ok,
    ).toBe(true);
    expect(
      validatePayloadFilter({
        a: { $gt: 1, $lt: 2 },
        $and: Array.from({ length: 63 }, (_, i) => ({ [`f${i}`]: i })),
      }).ok,
    ).toBe(false);
  });

  it('bounds serialized size at 4 KiB, counting UTF-8 bytes', () => {
    const sized = (text: string) => ({ a: text });
    const overhead = JSON.stringify(sized('')).length;
    expect(validatePayloadFilter(sized('x'.repeat(4096 - overhead))).ok).toBe(true);
    expect(validatePayloadFilter(sized('x'.repeat(4097 - overhead))).ok).toBe(false);
    // 'é' is 2 bytes, '😀' is 4: the limit is on bytes, not characters.
    expect(validatePayloadFilter(sized('é'.repeat(2048))).ok).toBe(false);
    expect(validatePayloadFilter(sized('😀'.repeat(1022))).ok).toBe(true);
    expect(validatePayloadFilter(sized('😀'.repeat(1023))).ok).toBe(false);
    const result = validatePayloadFilter(sized('x'.repeat(5000)));
    expect(result.ok === false && result.error).toMatch(/4096 bytes/);
  });
});

describe('resolvePath / jsonEqual', () => {
  it('resolves nested values', () => {
    expect(resolvePath(payload, 'data.items.1.sku')).toBe('B-2');
    expect(resolvePath(payload, 'nope.nope')).toBeUndefined();
  });

  it('treats missing as equal to nothing', () => {
    expect(jsonEqual(undefined, undefined)).toBe(false);
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('matchesEndpoint', () => {
  const message = { eventType: 'invoice.paid', channels: ['project_1', 'eu'], payload };
  const endpoint = { eventTypes: null, channels: null, payloadFilter: null };

  it('receives everything with no restrictions', () => {
    expect(matchesEndpoint(endpoint, message)).toBe(true);
    expect(
      matchesEndpoint(
        { eventTypes: [], channels: [], payloadFilter: null },
        { ...message, channels: null },
      ),
    ).toBe(true);
  });

  it('filters by event type', () => {
    expect(
      matchesEndpoint({ ...endpoint, eventTypes: ['invoice.paid', 'invoice.voided'] }, message),
    ).toBe(true);
    expect(matchesEndpoint({ ...endpoint, eventTypes: ['invoice.voided'] }, message)).toBe(false);
    expect(matchesEndpoint({ ...endpoint, eventTypes: ['invoice'] }, message)).toBe(false);
  });

  it('requires one shared channel when the endpoint has channels', () => {
    expect(matchesEndpoint({ ...endpoint, channels: ['eu'] }, message)).toBe(true);
    expect(matchesEndpoint({ ...endpoint, channels: ['us', 'project_1'] }, message)).toBe(true);
    expect(matchesEndpoint({ ...endpoint, channels: ['us'] }, message)).toBe(false);
    expect(matchesEndpoint({ ...endpoint, channels: ['eu'] }, { ...message, channels: null })).toBe(
      false,
    );
    expect(matchesEndpoint({ ...endpoint, channels: ['eu'] }, { ...message, channels: [] })).toBe(
      false,
    );
  });

  it('applies the payload filter', () => {
    expect(
      matchesEndpoint({ ...endpoint, payloadFilter: { 'data.amount': { $gt: 1000 } } }, message),
    ).toBe(true);
    expect(
      matchesEndpoint({ ...endpoint, payloadFilter: { 'data.amount': { $gt: 10_000 } } }, message),
    ).toBe(false);
  });

  it('needs every restriction to pass', () => {
    const strict = {
      eventTypes: ['invoice.paid'],
      channels: ['eu'],
      payloadFilter: { 'data.currency': 'usd' },
    };
    expect(matchesEndpoint(strict, message)).toBe(true);
    expect(matchesEndpoint(strict, { ...message, eventType: 'invoice.voided' })).toBe(false);
    expect(matchesEndpoint(strict, { ...message, channels: ['us'] })).toBe(false);
    expect(matchesEndpoint(strict, { ...message, payload: { data: { currency: 'eur' } } })).toBe(
      false,
    );
  });
});
