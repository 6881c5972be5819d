/**
 * The payload filter language: a JSON object whose keys are dotted paths into the message payload
 * (`data.items.0.sku`; numeric segments index arrays) or the logical operators `$and`, `$or`,
 * `$not`. A path maps either to a literal, meaning deep equality, or to an operator object such as
 * `{ "$gte": 100, "$lt": 500 }` (several operators in one object must all hold). All keys of a
 * filter object must hold for it to match; `{}` matches everything.
 *
 * `$regex` is deliberately absent: a tenant-supplied pattern runs against every message at fan-out,
 * and a catastrophic-backtracking pattern would let one tenant stall publishing for everyone.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue =
  JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A filter as stored with an endpoint; run it through `validatePayloadFilter` before saving it. */
export type PayloadFilter = { readonly [key: string]: unknown };

export const PAYLOAD_FILTER_LIMITS = {
  maxDepth: 8,
  maxConditions: 64,
  maxBytes: 4096,
  maxPathLength: 256,
  maxPathSegments: 32,
} as const;

export const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;
export const FIELD_OPERATORS = [
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
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

const FIELD_OPERATOR_SET: ReadonlySet<string> = new Set(FIELD_OPERATORS);

export function isFieldOperator(key: string): key is FieldOperator {
  return FIELD_OPERATOR_SET.has(key);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A non-empty object whose keys all start with `$` is an operator object; otherwise a literal. */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

export type PayloadFilterValidation =
  { ok: true; filter: PayloadFilter } | { ok: false; error: string };

class FilterSyntaxError extends Error {}

export function validatePayloadFilter(input: unknown): PayloadFilterValidation {
  if (!isPlainObject(input)) return { ok: false, error: 'Filter must be a JSON object' };
  let serialized: string | undefined;
  try {
    serialized = JSON.stringify(input);
  } catch {
    return { ok: false, error: 'Filter must be plain JSON (no cycles, no BigInt)' };
  }
  if (serialized === undefined || utf8Length(serialized) > PAYLOAD_FILTER_LIMITS.maxBytes) {
    return {
      ok: false,
      error: `Filter must serialize to at most ${PAYLOAD_FILTER_LIMITS.maxBytes} bytes`,
    };
  }
  const counter = { conditions: 0 };
  try {
    checkNode(input, 1, counter);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
  return { ok: true, filter: input };
}

function checkNode(node: unknown, depth: number, counter: { conditions: number }): void {
  if (depth > PAYLOAD_FILTER_LIMITS.maxDepth) {
    throw new FilterSyntaxError(
      `Filter nests deeper than ${PAYLOAD_FILTER_LIMITS.maxDepth} levels`,
    );
  }
  if (!isPlainObject(node))
    throw new FilterSyntaxError('Each filter (and each $and/$or/$not operand) must be an object');
  for (const [key, value] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0)
        throw new FilterSyntaxError(`${key} takes a non-empty array of filters`);
      for (const child of value) checkNode(child, depth + 1, counter);
    } else if (key === '$not') {
      checkNode(value, depth + 1, counter);
    } else if (key.startsWith('$')) {
      throw new FilterSyntaxError(unknownOperatorMessage(key, 'a filter'));
    } else {
      checkPath(key);
      checkCondition(key, value, depth, counter);
    }
  }
}

function checkPath(path: string): void {
  const segments = path.split('.');
  if (
    path.length > PAYLOAD_FILTER_LIMITS.maxPathLength ||
    segments.length > PAYLOAD_FILTER_LIMITS.maxPathSegments
  ) {
    throw new FilterSyntaxError(`Path ${JSON.stringify(path.slice(0, 64))} is too long`);
  }
  if (segments.some((segment) => segment === '')) {
    throw new FilterSyntaxError(`Path ${JSON.stringify(path)} has an empty segment`);
  }
}

function checkCondition(
  path: string,
  condition: unknown,
  depth: number,
  counter: { conditions: number },
): void {
  if (!isOperatorObject(condition)) {
    if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) {
      throw new FilterSyntaxError(
        `Condition on ${JSON.stringify(path)} mixes operators with literal keys`,
      );
    }
    checkJson(condition, depth + 1, path);
    countCondition(counter);
    return;
  }
  for (const [operator, operand] of Object.entries(condition)) {
    if (!isFieldOperator(operator))
      throw new FilterSyntaxError(
        unknownOperatorMessage(operator, `the condition on ${JSON.stringify(path)}`),
      );
    const where = `${operator} on ${JSON.stringify(path)}`;
    switch (operator) {
      case '$eq':
      case '$ne':
      case '$contains':
        checkJson(operand, depth + 2, where);
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (typeof operand !== 'string' && !isFiniteNumber(operand))
          throw new FilterSyntaxError(`${where} takes a number or a string`);
        break;
      case '$in':
      case '$nin':
        if (!Array.isArray(operand)) throw new FilterSyntaxError(`${where} takes an array`);
        checkJson(operand, depth + 2, where);
        break;
      case '$exists':
        if (typeof operand !== 'boolean')
          throw new FilterSyntaxError(`${where} takes true or false`);
        break;
      case '$startsWith':
        if (typeof operand !== 'string') throw new FilterSyntaxError(`${where} takes a string`);
        break;
    }
    countCondition(counter);
  }
}

function checkJson(value: unknown, depth: number, where: string): void {
  if (depth > PAYLOAD_FILTER_LIMITS.maxDepth) {
    throw new FilterSyntaxError(
      `Filter nests deeper than ${PAYLOAD_FILTER_LIMITS.maxDepth} levels (at ${where})`,
    );
  }
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    isFiniteNumber(value)
  )
    return;
  if (Array.isArray(value)) {
    for (const item of value) checkJson(item, depth + 1, where);
    return;
  }
  if (isPlainObject(value)) {
    for (const item of Object.values(value)) checkJson(item, depth + 1, where);
    return;
  }
  throw new FilterSyntaxError(
    `${where}: values must be JSON (string, finite number, boolean, null, array, object)`,
  );
}

function countCondition(counter: { conditions: number }): void {
  counter.conditions += 1;
  if (counter.conditions > PAYLOAD_FILTER_LIMITS.maxConditions) {
    throw new FilterSyntaxError(
      `Filter has more than ${PAYLOAD_FILTER_LIMITS.maxConditions} conditions`,
    );
  }
}

function unknownOperatorMessage(operator: string, where: string): string {
  if (operator === '$regex')
    return '$regex is not supported (untrusted patterns can take exponential time); use $startsWith or $contains';
  return `Unknown operator ${JSON.stringify(operator.slice(0, 32))} in ${where}`;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Counted by hand: TextEncoder is not guaranteed inside the workflow sandbox. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
