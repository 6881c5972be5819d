import { ValidationError } from './errors';

/**
 * Prefixed, time-sortable ids: `<prefix>_<26 chars>`, where the 26 chars are a ULID body
 * (48-bit millisecond timestamp, then 80 random bits, Crockford base32, upper case). Because the
 * timestamp leads and the alphabet is in ASCII order, comparing two ids of one prefix as strings
 * compares their creation times, which is what lets ids double as pagination cursors.
 */
export const ID_PREFIXES = {
  tenant: 'tnt',
  user: 'usr',
  member: 'mbr',
  apiKey: 'key',
  application: 'app',
  endpoint: 'ep',
  eventType: 'et',
  message: 'msg',
  delivery: 'dlv',
  attempt: 'atm',
  session: 'ses',
  invitation: 'inv',
  endpointSecret: 'sec',
  portalLink: 'pln',
  portalSession: 'pss',
} as const;

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

export type RandomBytes = (length: number) => Uint8Array;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const RANDOM_BYTES = 10;
const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
// The first char carries only 3 of the timestamp's 48 bits (10 chars hold 50), so it is 0-7.
const BODY_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const PREFIX_VALUES: ReadonlySet<string> = new Set(Object.values(ID_PREFIXES));

/**
 * Randomness is looked up at call time, never at module load: the Temporal workflow sandbox
 * forbids non-determinism during import. Workflows should pass `randomBytesFrom(Math.random)`,
 * whose Math.random Temporal makes replay-safe.
 */
function defaultRandomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** Adapts a `() => number` source in [0, 1) to a byte source. */
export function randomBytesFrom(random: () => number): RandomBytes {
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256) & 0xff;
    return bytes;
  };
}

export function newId(
  prefix: IdPrefix,
  nowMs: number = Date.now(),
  randomBytes: RandomBytes = defaultRandomBytes,
): string {
  assertPrefix(prefix);
  return `${prefix}_${encodeTime(nowMs)}${encodeRandom(takeRandom(randomBytes))}`;
}

/**
 * An id generator that stays strictly increasing within one millisecond (and across a clock that
 * steps back), by incrementing the random part instead of drawing a new one. Holds state, so make
 * one per process, not per request.
 */
export function createIdFactory(
  randomBytes: RandomBytes = defaultRandomBytes,
): (prefix: IdPrefix, nowMs?: number) => string {
  let lastMs = -1;
  let lastRandom: Uint8Array = new Uint8Array(RANDOM_BYTES);
  return (prefix, nowMs = Date.now()) => {
    assertPrefix(prefix);
    assertTimestamp(nowMs);
    if (nowMs > lastMs) {
      lastMs = nowMs;
      lastRandom = takeRandom(randomBytes);
    } else {
      lastRandom = incremented(lastRandom);
    }
    return `${prefix}_${encodeTime(lastMs)}${encodeRandom(lastRandom)}`;
  };
}

export function isId<P extends IdPrefix>(prefix: P, value: unknown): value is `${P}_${string}` {
  if (typeof value !== 'string') return false;
  const marker = `${prefix}_`;
  return value.startsWith(marker) && BODY_PATTERN.test(value.slice(marker.length));
}

/** The prefix of a well-formed id, or null. */
export function idPrefixOf(value: string): IdPrefix | null {
  const separator = value.indexOf('_');
  if (separator < 0) return null;
  const prefix = value.slice(0, separator);
  if (!PREFIX_VALUES.has(prefix)) return null;
  return isId(prefix as IdPrefix, value) ? (prefix as IdPrefix) : null;
}

/** Milliseconds since the epoch at which the id was made. Throws ValidationError on a malformed id. */
export function idTimestamp(id: string): number {
  const prefix = idPrefixOf(id);
  if (prefix === null)
    throw new ValidationError(`Not a valid id: ${JSON.stringify(id.slice(0, 64))}`, {
      field: 'id',
    });
  const body = id.slice(prefix.length + 1);
  let ms = 0;
  for (let i = 0; i < TIME_CHARS; i++) ms = ms * 32 + ALPHABET.indexOf(body.charAt(i));
  return ms;
}

/** The smallest id of `prefix` made at `ms`: a cursor for "created at or after". */
export function minIdForTime(prefix: IdPrefix, ms: number): string {
  assertPrefix(prefix);
  return `${prefix}_${encodeTime(ms)}${'0'.repeat(RANDOM_CHARS)}`;
}

/** The largest id of `prefix` made at `ms`: a cursor for "created at or before". */
export function maxIdForTime(prefix: IdPrefix, ms: number): string {
  assertPrefix(prefix);
  return `${prefix}_${encodeTime(ms)}${'Z'.repeat(RANDOM_CHARS)}`;
}

function assertPrefix(prefix: string): void {
  if (!PREFIX_VALUES.has(prefix))
    throw new TypeError(`Unknown id prefix: ${JSON.stringify(prefix)}`);
}

function assertTimestamp(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIMESTAMP_MS) {
    throw new RangeError(`Id timestamp must be an integer in [0, 2^48): ${ms}`);
  }
}

function encodeTime(ms: number): string {
  assertTimestamp(ms);
  let rest = ms;
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function takeRandom(randomBytes: RandomBytes): Uint8Array {
  const bytes = randomBytes(RANDOM_BYTES);
  if (bytes.length < RANDOM_BYTES)
    throw new RangeError(`randomBytes returned ${bytes.length} bytes, need ${RANDOM_BYTES}`);
  return bytes.slice(0, RANDOM_BYTES);
}

/** 80 bits are exactly 16 base32 chars; read them 5 bits at a time, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function incremented(bytes: Uint8Array): Uint8Array {
  const next = bytes.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] === 0xff) {
      next[i] = 0;
      continue;
    }
    next[i] += 1;
    return next;
  }
  // 2^80 ids in one millisecond cannot happen unless the random source is broken.
  throw new RangeError('Id random part overflowed within one millisecond');
}
