/*
 * Client-side checks that give instant feedback in the editors. The API validates for real (ajv,
 * the domain's filter parser); these only catch the common mistakes before a round trip.
 */

export type JsonParse =
  { ok: true; value: unknown; empty: boolean } | { ok: false; error: string; line?: number };

/** Parses editor text; blank text is a valid "nothing". Errors carry a line number when known. */
export function parseJson(text: string): JsonParse {
  if (!text.trim()) return { ok: true, value: undefined, empty: true };
  try {
    return { ok: true, value: JSON.parse(text), empty: false };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const lineMatch = /line (\d+)/.exec(message)?.[1];
    const line = lineMatch
      ? Number(lineMatch)
      : position
        ? text.slice(0, Number(position)).split('\n').length
        : undefined;
    return { ok: false, error: message, line };
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const SCHEMA_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

/** Structural problems of a JSON Schema document (not a full meta-schema check). */
export function checkJsonSchema(schema: unknown, path = '#'): string[] {
  if (typeof schema === 'boolean') return [];
  if (!isPlainObject(schema)) return [`${path}: a schema must be an object`];
  const problems: string[] = [];
  const types = schema.type === undefined ? [] : [schema.type].flat();
  for (const t of types)
    if (typeof t !== 'string' || !SCHEMA_TYPES.has(t))
      problems.push(`${path}/type: unknown type ${JSON.stringify(t)}`);
  if (schema.properties !== undefined) {
    if (!isPlainObject(schema.properties)) problems.push(`${path}/properties: must be an object`);
    else
      for (const [name, sub] of Object.entries(schema.properties))
        problems.push(...checkJsonSchema(sub, `${path}/properties/${name}`));
  }
  if (schema.required !== undefined) {
    const required = schema.required;
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))
      problems.push(`${path}/required: must be a list of property names`);
  }
  if (schema.items !== undefined) problems.push(...checkJsonSchema(schema.items, `${path}/items`));
  if (schema.enum !== undefined && !Array.isArray(schema.enum))
    problems.push(`${path}/enum: must be a list`);
  return problems;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where `value` breaks `schema`: type, required, properties, items, enum, const, numeric and
 * length bounds, additionalProperties: false. Enough to tell whether an example fits its schema.
 */
export function validateAgainstSchema(schema: unknown, value: unknown, path = '$'): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  if (!isPlainObject(schema)) return [];
  const problems: string[] = [];
  const actual = typeOf(value);
  const types = schema.type === undefined ? [] : ([schema.type].flat() as string[]);
  if (
    types.length &&
    !types.some((t) => t === actual || (t === 'number' && actual === 'integer'))
  ) {
    return [`${path}: expected ${types.join(' or ')}, got ${actual}`];
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
  )
    problems.push(
      `${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    );
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    problems.push(`${path}: must equal ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${path}: must be ≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${path}: must be ≤ ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${path}: must be at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      problems.push(`${path}: must be at most ${schema.maxLength} characters`);
  }
  if (isPlainObject(value)) {
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    if (Array.isArray(schema.required))
      for (const name of schema.required)
        if (typeof name === 'string' && !(name in value))
          problems.push(`${path}.${name}: is required`);
    for (const [name, sub] of Object.entries(value)) {
      if (name in properties)
        problems.push(...validateAgainstSchema(properties[name], sub, `${path}.${name}`));
      else if (schema.additionalProperties === false)
        problems.push(`${path}.${name}: is not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined)
    value.forEach((item, i) =>
      problems.push(...validateAgainstSchema(schema.items, item, `${path}[${i}]`)),
    );
  return problems;
}

const FILTER_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$contains',
  '$startsWith',
]);
const LOGICAL = new Set(['$and', '$or']);

/**
 * Problems of a payload filter such as {"data.amount": {"$gt": 100}}: field paths map to a
 * value (equality) or to operators; $and/$or take lists of filters, $not one filter.
 */
export function checkPayloadFilter(filter: unknown, path = 'filter'): string[] {
  if (!isPlainObject(filter)) return [`${path}: must be a JSON object`];
  const problems: string[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(condition) || condition.length === 0)
        problems.push(`${path}.${key}: must be a non-empty list of filters`);
      else
        condition.forEach((c, i) =>
          problems.push(...checkPayloadFilter(c, `${path}.${key}[${i}]`)),
        );
    } else if (key === '$not') {
      problems.push(...checkPayloadFilter(condition, `${path}.$not`));
    } else if (key.startsWith('$')) {
      problems.push(`${path}: unknown operator ${key} at the top level (use a field path)`);
    } else if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      for (const [operator, operand] of Object.entries(condition)) {
        if (!FILTER_OPERATORS.has(operator)) {
          problems.push(`${path}["${key}"]: unknown operator ${operator}`);
          continue;
        }
        if ((operator === '$in' || operator === '$nin') && !Array.isArray(operand))
          problems.push(`${path}["${key}"].${operator}: needs a list`);
        if (operator === '$exists' && typeof operand !== 'boolean')
          problems.push(`${path}["${key}"].$exists: needs true or false`);
        if (
          ['$gt', '$gte', '$lt', '$lte'].includes(operator) &&
          typeof operand !== 'number' &&
          typeof operand !== 'string'
        )
          problems.push(`${path}["${key}"].${operator}: needs a number or a string`);
      }
    }
  }
  return problems;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS =
  /^(webhook-.*|x-herald-.*|host|content-length|content-type|content-encoding|transfer-encoding|connection|keep-alive|upgrade|http2-settings|te|trailer|proxy-.*|expect|user-agent)$/i;

/** Problems of a custom header name; Herald sets the signing and framing headers itself. */
export function checkHeaderName(name: string): string | null {
  if (!name) return 'Header name is required';
  if (name.length > 64 || !HEADER_NAME.test(name)) return `"${name}" is not a valid header name`;
  if (RESERVED_HEADERS.test(name)) return `"${name}" is set by Herald and cannot be overridden`;
  return null;
}

/**
 * Problems of a custom header value, as the API judges them (validateEndpointHeaders): printable
 * ASCII and tabs only, since HTTP cannot carry the rest as typed, and no surrounding whitespace,
 * which HTTP would strip.
 */
export function checkHeaderValue(value: string): string | null {
  if (value.length > 1024) return 'The value must be at most 1024 characters';
  if (!/^[\t\x20-\x7e]*$/.test(value))
    return 'The value may only contain printable ASCII (no line breaks, accents or symbols like €)';
  if (/^[\t ]|[\t ]$/.test(value)) return 'The value must not start or end with a space';
  return null;
}

/** Problems of an endpoint URL as a person types it (the API applies the SSRF rules). */
export function checkEndpointUrl(text: string): string | null {
  const value = text.trim();
  if (!value) return 'URL is required';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL such as https://example.com/webhooks';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'Only http(s) URLs can receive webhooks';
  if (url.username || url.password) return 'Credentials in the URL are not allowed; use headers';
  if (value.length > 2048) return 'URL is too long (2048 characters at most)';
  return null;
}
