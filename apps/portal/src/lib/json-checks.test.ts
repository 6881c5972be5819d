import { describe, expect, it } from 'vitest';
import {
  checkEndpointUrl,
  checkHeaderName,
  checkHeaderValue,
  checkJsonSchema,
  checkPayloadFilter,
  parseJson,
  validateAgainstSchema,
} from './json-checks';

describe('parseJson', () => {
  it('treats blank text as empty and reports syntax errors', () => {
    expect(parseJson('  ')).toEqual({ ok: true, value: undefined, empty: true });
    expect(parseJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 }, empty: false });
    const bad = parseJson('{\n  "a": 1,\n  "b": \n}');
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.error).toMatch(/not valid JSON|Unexpected/);
    // Engines that report a position get the line number of it.
    const SyntaxErrorWithPosition = parseJson('{"a": }');
    expect(SyntaxErrorWithPosition.ok).toBe(false);
  });
});

describe('JSON Schema checks', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 3 },
      amount: { type: 'integer', minimum: 0 },
      status: { enum: ['paid', 'void'] },
      items: { type: 'array', items: { type: 'number' } },
    },
    required: ['id', 'amount'],
    additionalProperties: false,
  };

  it('finds structural problems in a schema', () => {
    expect(checkJsonSchema(schema)).toEqual([]);
    expect(checkJsonSchema({ type: 'obj' })).toEqual(['#/type: unknown type "obj"']);
    expect(checkJsonSchema({ properties: { a: { type: 'strin' } }, required: 'a' })).toEqual([
      '#/properties/a/type: unknown type "strin"',
      '#/required: must be a list of property names',
    ]);
  });

  it('validates an example against the schema', () => {
    expect(validateAgainstSchema(schema, { id: 'inv_1', amount: 5, items: [1, 2.5] })).toEqual([]);
    expect(
      validateAgainstSchema(schema, {
        id: 'x',
        amount: -1.5,
        status: 'open',
        items: ['a'],
        extra: 1,
      }),
    ).toEqual([
      '$.id: must be at least 3 characters',
      '$.amount: expected integer, got number',
      '$.status: must be one of "paid", "void"',
      '$.items[0]: expected number, got string',
      '$.extra: is not allowed',
    ]);
    expect(validateAgainstSchema(schema, { id: 'inv_1' })).toEqual(['$.amount: is required']);
    expect(validateAgainstSchema(schema, [])).toEqual(['$: expected object, got array']);
  });
});

describe('payload filter checks', () => {
  it('accepts equality, operators and logical combinations', () => {
    expect(
      checkPayloadFilter({
        type: 'invoice',
        'data.amount': { $gt: 100, $lte: 500 },
        $or: [{ 'data.currency': { $in: ['eur', 'usd'] } }, { $not: { 'data.test': true } }],
      }),
    ).toEqual([]);
  });

  it('names unknown operators and wrong operands', () => {
    expect(
      checkPayloadFilter({
        'data.amount': { $greater: 1 },
        'data.tags': { $in: 'a' },
        'data.x': { $exists: 'yes' },
        $or: [],
        $where: 'x',
      }),
    ).toEqual([
      'filter["data.amount"]: unknown operator $greater',
      'filter["data.tags"].$in: needs a list',
      'filter["data.x"].$exists: needs true or false',
      'filter.$or: must be a non-empty list of filters',
      'filter: unknown operator $where at the top level (use a field path)',
    ]);
    expect(checkPayloadFilter([1])).toEqual(['filter: must be a JSON object']);
  });
});

describe('headers and URLs', () => {
  it('refuses invalid and reserved header names', () => {
    expect(checkHeaderName('X-Customer-Id')).toBeNull();
    expect(checkHeaderName('bad header')).toMatch(/not a valid header name/);
    expect(checkHeaderName('Webhook-Signature')).toMatch(/set by Herald/);
    expect(checkHeaderName('content-type')).toMatch(/set by Herald/);
    expect(checkHeaderName('X-Herald-Trace')).toMatch(/set by Herald/);
    expect(checkHeaderName('Content-Encoding')).toMatch(/set by Herald/);
  });

  it('checks header values as the API does', () => {
    expect(checkHeaderValue('Bearer abc')).toBeNull();
    expect(checkHeaderValue('')).toBeNull();
    for (const bad of ['café', '€', 'a\r\nb', 'a\u0000', ' lead', 'trail ', 'v'.repeat(1025)])
      expect(checkHeaderValue(bad), bad).not.toBeNull();
  });

  it('asks for an absolute http(s) URL without credentials', () => {
    expect(checkEndpointUrl('https://example.com/hooks')).toBeNull();
    expect(checkEndpointUrl('')).toBe('URL is required');
    expect(checkEndpointUrl('example.com/hooks')).toMatch(/full URL/);
    expect(checkEndpointUrl('ftp://example.com')).toMatch(/Only http\(s\)/);
    expect(checkEndpointUrl('https://user:pw@example.com')).toMatch(/Credentials/);
  });
});
