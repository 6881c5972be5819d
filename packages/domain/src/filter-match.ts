import {
  isFieldOperator,
  isFiniteNumber,
  isOperatorObject,
  isPlainObject,
  PAYLOAD_FILTER_LIMITS,
  type PayloadFilter,
} from './filter';

/**
 * Evaluation is three-valued: true, false, or undefined for a malformed filter. Malformed never
 * matches, and `$not` must not turn it into a match, so it propagates instead of becoming false.
 */
type Verdict = boolean | undefined;

// Generous next to the validator's limit: only unvalidated input gets near it, and it keeps
// recursion far from the stack limit.
const MAX_EVALUATION_DEPTH = PAYLOAD_FILTER_LIMITS.maxDepth * 4;

/** Never throws; a malformed filter or a type mismatch does not match. */
export function matchesPayloadFilter(filter: PayloadFilter, payload: unknown): boolean {
  try {
    return evaluate(filter, payload, 0) === true;
  } catch {
    return false;
  }
}

function evaluate(node: unknown, payload: unknown, depth: number): Verdict {
  if (depth > MAX_EVALUATION_DEPTH || !isPlainObject(node)) return undefined;
  let result: Verdict = true;
  for (const [key, value] of Object.entries(node)) {
    const verdict = evaluateKey(key, value, payload, depth);
    if (verdict === undefined) return undefined;
    // Keep going after a false: a malformed sibling must still make the whole filter malformed.
    if (!verdict) result = false;
  }
  return result;
}

function evaluateKey(key: string, value: unknown, payload: unknown, depth: number): Verdict {
  switch (key) {
    case '$and':
    case '$or': {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      const verdicts = value.map((child) => evaluate(child, payload, depth + 1));
      if (verdicts.includes(undefined)) return undefined;
      return key === '$and' ? verdicts.every(Boolean) : verdicts.some(Boolean);
    }
    case '$not': {
      const verdict = evaluate(value, payload, depth + 1);
      return verdict === undefined ? undefined : !verdict;
    }
  }
  if (key.startsWith('$')) return undefined;
  const actual = resolvePath(payload, key);
  if (!isOperatorObject(value)) {
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) return undefined;
    return jsonEqual(actual, value);
  }
  let result: Verdict = true;
  for (const [operator, operand] of Object.entries(value)) {
    const verdict = applyOperator(operator, operand, actual);
    if (verdict === undefined) return undefined;
    if (!verdict) result = false;
  }
  return result;
}

function applyOperator(operator: string, operand: unknown, actual: unknown): Verdict {
  if (!isFieldOperator(operator)) return undefined;
  switch (operator) {
    case '$eq':
      return jsonEqual(actual, operand);
    case '$ne':
      return !jsonEqual(actual, operand);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return compare(operator, actual, operand);
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) return undefined;
      const found = operand.some((candidate) => jsonEqual(actual, candidate));
      return operator === '$in' ? found : !found;
    }
    case '$exists':
      if (typeof operand !== 'boolean') return undefined;
      return (actual !== undefined) === operand;
    case '$contains':
      if (typeof actual === 'string')
        return typeof operand === 'string' && actual.includes(operand);
      if (Array.isArray(actual)) return actual.some((item) => jsonEqual(item, operand));
      return false;
    case '$startsWith':
      if (typeof operand !== 'string') return undefined;
      return typeof actual === 'string' && actual.startsWith(operand);
  }
}

/** Numbers with numbers, strings with strings (so ISO-8601 timestamps compare); anything else is false. */
function compare(
  operator: '$gt' | '$gte' | '$lt' | '$lte',
  actual: unknown,
  operand: unknown,
): Verdict {
  if (typeof operand !== 'string' && !isFiniteNumber(operand)) return undefined;
  if (typeof actual !== typeof operand) return false;
  const a = actual as number | string;
  switch (operator) {
    case '$gt':
      return a > operand;
    case '$gte':
      return a >= operand;
    case '$lt':
      return a < operand;
    case '$lte':
      return a <= operand;
  }
}

/** Own properties only, so `constructor` or `__proto__` in a path never reaches a prototype. */
export function resolvePath(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^(?:0|[1-9][0-9]*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** Structural equality of JSON values; `undefined` (a missing field) equals nothing. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

export interface EndpointRouting {
  /** null or empty: every event type. */
  eventTypes: readonly string[] | null;
  /** null or empty: every message, whatever its channels. */
  channels: readonly string[] | null;
  payloadFilter: PayloadFilter | null;
}

export interface MessageRouting {
  eventType: string;
  channels: readonly string[] | null;
  payload: unknown;
}

/** Whether a message fans out to an endpoint. The payload filter runs last, being the costliest. */
export function matchesEndpoint(endpoint: EndpointRouting, message: MessageRouting): boolean {
  if (
    endpoint.eventTypes &&
    endpoint.eventTypes.length > 0 &&
    !endpoint.eventTypes.includes(message.eventType)
  ) {
    return false;
  }
  if (endpoint.channels && endpoint.channels.length > 0) {
    const messageChannels = message.channels ?? [];
    if (!endpoint.channels.some((channel) => messageChannels.includes(channel))) return false;
  }
  return (
    endpoint.payloadFilter === null || matchesPayloadFilter(endpoint.payloadFilter, message.payload)
  );
}
