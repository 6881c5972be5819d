import type { KeywordDefinition, SchemaValidateFunction } from 'ajv';

/*
 * Ajv's uniqueItems compares every pair of items with a deep equal when they are objects:
 * 12,000 small objects (130 KB, within the payload limit) held the event loop 2-6 s. Refusing
 * schemas with uniqueItems unless maxItems is small would still leave n² work (1,000 items of
 * 256 bytes each differing in the last field), and a time budget only gives up after the cost
 * is paid. A canonical form per item and a Set make the keyword linear in the array's size, so
 * existing schemas keep working and the bound is a property of the algorithm.
 */

/** True when every object in `value` lists its keys in sorted order (then JSON.stringify is canonical). */
function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysSorted(item)) return false;
    return true;
  }
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && previous >= key) return false;
    previous = key;
    if (!keysSorted((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Sorts a few keys in place: Array#sort costs more than the work for the usual 1-16 keys. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * A copy with every object's keys inserted in sorted order. (Integer-like keys still come
 * first, in numeric order, as JavaScript enumerates them: the same for equal objects.)
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedCopy);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of sortKeys(Object.keys(record))) copy[key] = sortedCopy(record[key]);
  return copy;
}

/**
 * JSON with object keys sorted: two values are equal under JSON Schema exactly when their
 * canonical forms are. Most payloads already list keys in one order, and the native
 * JSON.stringify is several times faster than building the string by hand. Payloads are
 * depth-checked before validation, so the recursion is bounded. Nested uniqueItems serialise a
 * subtree once per enclosing uniqueItems array, at most the 64 levels of depth allowed.
 */
export function canonicalJson(value: unknown): string {
  // -0 and 0 are one JSON number; JSON.stringify writes both as 0.
  return JSON.stringify(keysSorted(value) ? value : sortedCopy(value)) ?? 'null';
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
