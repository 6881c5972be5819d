import type { KeywordDefinition, SchemaValidateFunction } from 'ajv';

/*
 * Ajv's uniqueItems compares every pair of items with a deep equal when they are objects:
 * 12,000 small objects (130 KB, within the payload limit) held the event loop 2-6 s. Refusing
 * schemas with uniqueItems unless maxItems is small would still leave n² work (1,000 items of
 * 256 bytes each differing in the last field), and a time budget only gives up after the cost
 * is paid. A canonical form per item and a Set make the keyword linear in the array's size, so
 * existing schemas keep working and the bound is a property of the algorithm.
 */

/** Canonical JSON of each object seen, so nested uniqueItems do not re-serialise a subtree. */
const canonicalOf = new WeakMap<object, string>();

/**
 * JSON with object keys sorted: two values are equal under JSON Schema exactly when their
 * canonical forms are. Payloads are depth-checked before validation, so recursion is bounded.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // -0 and 0 are one JSON number; JSON.stringify already writes both as 0.
    return JSON.stringify(value) ?? 'null';
  }
  const cached = canonicalOf.get(value);
  if (cached !== undefined) return cached;
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map(canonicalJson).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    text = `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  canonicalOf.set(value, text);
  return text;
}

const validate: SchemaValidateFunction = function uniqueItems(schema: unknown, data: unknown) {
  if (schema !== true || !Array.isArray(data)) return true;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const key = canonicalJson(data[i]);
    const j = seen.get(key);
    if (j !== undefined) {
      validate.errors = [
        {
          keyword: 'uniqueItems',
          message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
          params: { i, j },
        },
      ];
      return false;
    }
    seen.set(key, i);
  }
  return true;
};

export const linearUniqueItems: KeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  validate,
};
