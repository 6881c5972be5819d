export type HeaderValue = string | readonly string[] | null | undefined;

/**
 * Anything a receiver is likely to hold: Node's `req.headers` (values may be arrays), a Fetch
 * `Headers`, a Map, an array of `[name, value]` pairs, or any object with a `get(name)` method.
 */
export type HeadersInput =
  | Readonly<Record<string, HeaderValue>>
  | Iterable<readonly [string, HeaderValue]>
  | { get(name: string): string | null | undefined };

/**
 * Case-insensitive lookup. Repeated values are joined with ", " as HTTP (and Node) do, so every
 * shape of input yields the same string for the same request.
 */
export function readHeader(headers: HeadersInput, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // Iterate when possible: a Map's own `get` would be case-sensitive.
  if (isIterable(headers)) {
    const found: string[] = [];
    for (const entry of headers) {
      if (
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        entry[0].toLowerCase() === wanted
      ) {
        const value = joinValue(entry[1] as HeaderValue);
        if (value !== undefined) found.push(value);
      }
    }
    return found.length > 0 ? found.join(', ') : undefined;
  }
  if (hasGet(headers)) return joinValue(headers.get(wanted) ?? headers.get(name));
  const found: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const joined = joinValue(value);
    if (joined !== undefined) found.push(joined);
  }
  return found.length > 0 ? found.join(', ') : undefined;
}

function joinValue(value: HeaderValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : undefined;
  return undefined;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

function hasGet(value: unknown): value is { get(name: string): string | null | undefined } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { get?: unknown }).get === 'function'
  );
}
