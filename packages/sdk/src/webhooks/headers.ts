export type HeaderValue = string | readonly string[] | null | undefined;

/**
 * Whatever a receiver holds: Node's `req.headers` (values may be arrays), a Fetch `Headers`, a
 * Map, `[name, value]` pairs, or any object with a `get(name)` method.
 */
export type HeadersInput =
  | Readonly<Record<string, HeaderValue>>
  | Iterable<readonly [string, HeaderValue]>
  | { get(name: string): string | null | undefined };

/** Case-insensitive; repeated values are joined with ", " as HTTP does. */
export function readHeader(headers: HeadersInput, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // Iterate when possible: a Map's own `get` would be case-sensitive.
  const entries: Iterable<readonly [unknown, unknown]> | undefined = isIterable(headers)
    ? (headers as Iterable<readonly [unknown, unknown]>)
    : hasGet(headers)
      ? undefined
      : Object.entries(headers);
  if (entries === undefined) {
    const getter = headers as { get(name: string): string | null | undefined };
    return joinValue(getter.get(wanted) ?? getter.get(name));
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
    if (entry[0].toLowerCase() !== wanted) continue;
    const value = joinValue(entry[1] as HeaderValue);
    if (value !== undefined) found.push(value);
  }
  return found.length > 0 ? found.join(', ') : undefined;
}

function joinValue(value: HeaderValue): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0) return value.join(', ');
  return undefined;
}

function isIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

function hasGet(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { get?: unknown }).get === 'function'
  );
}
