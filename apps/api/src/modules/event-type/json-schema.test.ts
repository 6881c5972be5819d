import { ValidationError } from '@herald/domain';
import { describe, expect, it } from 'vitest';
import { JsonSchemaValidator } from './json-schema';

/*
 * Tenant schemas run on every publish. Each case below took seconds with Ajv's defaults (a
 * backtracking RegExp, an O(n²) uniqueItems, a quadratic `url` format); now each validate call
 * is linear in the payload. The bound is 50 ms for work that takes a few ms, so a shared, busy
 * machine does not make it flaky, while a regression (seconds) cannot pass.
 */
const BOUND_MS = 50;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Compiles and caches `schema` with a harmless value, then times `value` alone. */
function validateTimed(schema: object, warm: unknown, value: unknown) {
  const validator = new JsonSchemaValidator();
  const key = 'et_test@1';
  validator.validate(key, schema, warm);
  return timed(() => validator.validate(key, schema, value));
}

const EVIL = 'a'.repeat(30) + '!';
const distinctObjects = Array.from({ length: 12_000 }, (_, i) => ({ a: i }));

describe('JsonSchemaValidator: hostile schemas and payloads are linear', () => {
  it.each([
    ['pattern', { type: 'string', pattern: '^(a+)+$' }, 'aa', EVIL],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '^(a+)+$': { type: 'string' }, '!$': false } },
      {},
      { [EVIL]: 1 },
    ],
    ['propertyNames', { type: 'object', propertyNames: { pattern: '^(a+)+$' } }, {}, { [EVIL]: 1 }],
    [
      'additionalProperties beside patternProperties',
      { type: 'object', patternProperties: { '^(a+)+$': true }, additionalProperties: false },
      {},
      { [EVIL]: 1 },
    ],
    [
      'format url',
      { type: 'string', format: 'url' },
      'http://a.com',
      `http://${':'.repeat(200_000)} `,
    ],
    [
      'format regex',
      { type: 'string', format: 'regex' },
      'a',
      '('.repeat(100_000) + ')'.repeat(100_000),
    ],
    [
      'format email',
      { type: 'string', format: 'email' },
      'a@b.c',
      'a@' + 'a.'.repeat(100_000) + '!',
    ],
    ['format uri', { type: 'string', format: 'uri' }, 'a:b', 'a://' + '%'.repeat(200_000)],
    ['format byte', { type: 'string', format: 'byte' }, 'AAAA', 'AAAA'.repeat(60_000) + '!'],
    [
      'format json-pointer',
      { type: 'string', format: 'json-pointer' },
      '/a',
      '/'.repeat(200_000) + '~',
    ],
  ])('%s: refuses the hostile value within the bound', (_name, schema, warm, value) => {
    const { value: problems, ms } = validateTimed(schema, warm, value);
    expect(problems).not.toBeNull();
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('uniqueItems over 12,000 distinct objects', () => {
    const { value: problems, ms } = validateTimed(
      { type: 'array', uniqueItems: true },
      [],
      distinctObjects,
    );
    expect(problems).toBeNull();
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('uniqueItems still finds duplicates: key order and nesting do not matter', () => {
    const validator = new JsonSchemaValidator();
    const schema = { type: 'array', uniqueItems: true };
    expect(
      validator.validate('k', schema, [
        { a: 1, b: [1, { c: 2 }] },
        { b: [1, { c: 2 }], a: 1 },
      ]),
    ).toMatch(/duplicate items/);
    expect(validator.validate('k', schema, [1, '1', [1], { 1: 1 }, null, true, 1.5])).toBeNull();
    expect(validator.validate('k', schema, [0, -0])).toMatch(/duplicate items/);
    expect(validator.validate('k', schema, [{ a: [1, 2] }, { a: [2, 1] }])).toBeNull();
  });

  it('patterns still match as ECMAScript patterns do', () => {
    const validator = new JsonSchemaValidator();
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[a-z]+_\\d{3}$' },
        name: { pattern: '\\p{L}+' },
      },
      patternProperties: { '^x-': { type: 'number' } },
    };
    expect(validator.validate('p', schema, { id: 'msg_123', name: 'Zoë', 'x-a': 1 })).toBeNull();
    expect(validator.validate('p', schema, { id: 'msg_12' })).toMatch(/pattern/);
    expect(validator.validate('p', schema, { 'x-a': 'one' })).toMatch(/number/);
  });

  it('formats still accept and refuse what they did', () => {
    const validator = new JsonSchemaValidator();
    const cases: [string, string, boolean][] = [
      ['url', 'https://example.com/a?b=c', true],
      ['url', 'http://10.0.0.1/', false],
      ['url', 'http://user:pw@example.com:8080/x', true],
      ['url', 'ftp://192.168.1.1', false],
      ['url', 'http://8.8.8.8', true],
      ['url', 'not a url', false],
      ['email', 'a.b@example.com', true],
      ['email', 'a@b', false],
      ['email', 'a@@b', false],
      ['hostname', 'example.com', true],
      ['hostname', 'a'.repeat(254), false],
      ['duration', 'P1DT2H', true],
      ['duration', 'P', false],
      ['duration', 'PT', false],
      ['duration', 'P1W', true],
      ['date-time', '2024-02-29T12:00:00Z', true],
      ['date-time', '2023-02-29T12:00:00Z', false],
      ['uri', 'https://example.com/a', true],
      ['uri', 'example', false],
      ['uuid', '01234567-89ab-cdef-0123-456789abcdef', true],
      ['ipv4', '256.0.0.1', false],
      ['ipv6', '::1', true],
      ['byte', 'QUJD', true],
      ['byte', 'QUJ', false],
      ['regex', '^(a|b)+$', true],
      ['regex', '(', false],
      ['regex', '(?<=a)b', true],
      ['json-pointer', '/a/~0b', true],
      ['json-pointer', 'a', false],
    ];
    for (const [format, value, valid] of cases) {
      const problems = validator.validate(`f:${format}`, { format }, value);
      expect(problems === null, `${format} ${JSON.stringify(value)}`).toBe(valid);
    }
  });
});

describe('JsonSchemaValidator.check: patterns a linear engine cannot run are refused', () => {
  it.each([
    ['a backreference', { type: 'string', pattern: '^(a)\\1$' }],
    ['a lookahead', { type: 'string', pattern: '^(?=a)a+$' }],
    ['a lookbehind', { type: 'object', patternProperties: { '(?<!x)y': { type: 'string' } } }],
    ['a nested lookahead', { properties: { a: { items: { pattern: '(?!b)' } } } }],
  ])('%s', (_name, schema) => {
    const validator = new JsonSchemaValidator();
    let error: unknown;
    try {
      validator.check(schema);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/pattern .* cannot be used/);
    expect((error as ValidationError).message).toMatch(/backreferences and lookaround/);
  });

  it('a pattern that is not ECMAScript syntax is refused even if RE2 accepts it', () => {
    expect(() => new JsonSchemaValidator().check({ pattern: '(?P<n>a)' })).toThrow(ValidationError);
  });

  it('a stored schema that the new rules refuse answers BAD_USER_INPUT at publish, not a slow run', () => {
    const validator = new JsonSchemaValidator();
    const stored = { type: 'string', pattern: '^(a+)+\\1$' };
    const { ms } = timed(() => {
      expect(() => validator.validate('et_old@1', stored, EVIL)).toThrow(/cannot be used/);
    });
    expect(ms).toBeLessThan(BOUND_MS);
    // The refusal is cached: the schema is not recompiled on every publish.
    expect(() => validator.validate('et_old@1', stored, EVIL)).toThrow(ValidationError);
  });
});
