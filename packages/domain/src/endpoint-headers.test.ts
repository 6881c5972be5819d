import { describe, expect, it } from 'vitest';
import {
  MAX_ENDPOINT_HEADERS,
  MAX_HEADER_VALUE_LENGTH,
  validateEndpointHeaders,
} from './endpoint-headers';
import { ValidationError } from './errors';

function fieldOf(headers: unknown): string | undefined {
  try {
    validateEndpointHeaders(headers);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).field;
  }
  return undefined;
}

/** One header per row: name, value, the field the error names (null: accepted). */
const CASES: [string, unknown, string | null][] = [
  ['Authorization', 'Bearer abc.def-ghi_jkl~', null],
  ['X-Empty', '', null],
  ['X-Tab-Inside', 'a\tb c', null],
  ['X-Punctuation', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', null],
  ["x!#$%&'*+-.^_`|~9", 'v', null],
  ['X-Latin1', 'café', 'headers.X-Latin1'],
  ['X-Euro', '€5', 'headers.X-Euro'],
  ['X-Emoji', '🙂', 'headers.X-Emoji'],
  ['X-Crlf', 'a\r\nInjected: 1', 'headers.X-Crlf'],
  ['X-Lf', 'a\nb', 'headers.X-Lf'],
  ['X-Nul', 'a\u0000b', 'headers.X-Nul'],
  ['X-Bell', 'a\u0007b', 'headers.X-Bell'],
  ['X-Del', 'a\u007fb', 'headers.X-Del'],
  ['X-Nbsp', 'a\u00a0b', 'headers.X-Nbsp'],
  ['X-Leading', ' a', 'headers.X-Leading'],
  ['X-Trailing', 'a\t', 'headers.X-Trailing'],
  ['X-Too-Long', 'a'.repeat(MAX_HEADER_VALUE_LENGTH + 1), 'headers.X-Too-Long'],
  ['X-Number', 42, 'headers.X-Number'],
  ['X-Null', null, 'headers.X-Null'],
  ['X-Object', { a: 1 }, 'headers.X-Object'],
  ['bad header', 'x', 'headers'],
  ['X-Colon:', 'x', 'headers'],
  ['X-Crlf\r\nInjected', 'x', 'headers'],
  ['X-Café', 'x', 'headers'],
  ['(paren)', 'x', 'headers'],
  ['', 'x', 'headers'],
  ['X-' + 'a'.repeat(63), 'x', 'headers'],
  ['Host', 'evil.example', 'headers.Host'],
  ['content-type', 'text/plain', 'headers.content-type'],
  ['Content-Length', '1', 'headers.Content-Length'],
  ['Content-Encoding', 'gzip', 'headers.Content-Encoding'],
  ['Transfer-Encoding', 'chunked', 'headers.Transfer-Encoding'],
  ['Connection', 'close', 'headers.Connection'],
  ['Keep-Alive', '1', 'headers.Keep-Alive'],
  ['Upgrade', 'h2c', 'headers.Upgrade'],
  ['TE', 'trailers', 'headers.TE'],
  ['Trailer', 'x', 'headers.Trailer'],
  ['Expect', '100-continue', 'headers.Expect'],
  ['User-Agent', 'x', 'headers.User-Agent'],
  ['webhook-id', 'msg_x', 'headers.webhook-id'],
  ['Webhook-Timestamp', '1', 'headers.Webhook-Timestamp'],
  ['webhook-signature', 'v1,x', 'headers.webhook-signature'],
  ['X-Herald-Anything', 'x', 'headers.X-Herald-Anything'],
  ['Proxy-Authorization', 'Basic x', 'headers.Proxy-Authorization'],
];

describe('validateEndpointHeaders', () => {
  it.each(CASES)('%j = %j → %s', (name, value, field) => {
    expect(fieldOf({ [name]: value })).toBe(field ?? undefined);
  });

  it('returns accepted headers unchanged', () => {
    const headers = { Authorization: 'Bearer t', 'X-Team': 'core' };
    expect(validateEndpointHeaders(headers)).toEqual(headers);
    expect(validateEndpointHeaders(null)).toEqual({});
    expect(validateEndpointHeaders(undefined)).toEqual({});
  });

  it('never repeats a value in its message', () => {
    try {
      validateEndpointHeaders({ Authorization: 'Bearer s3cret\u0000' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it('refuses the same name twice in any case', () => {
    expect(fieldOf({ 'X-Team': 'a', 'x-team': 'b' })).toBe('headers.x-team');
  });

  it('limits the count and the total size', () => {
    const many = (n: number, size = 1) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v'.repeat(size)]));
    expect(fieldOf(many(MAX_ENDPOINT_HEADERS))).toBeUndefined();
    expect(fieldOf(many(MAX_ENDPOINT_HEADERS + 1))).toBe('headers');
    // 8 × 1024-character values fit each on their own but not together.
    expect(fieldOf(many(7, MAX_HEADER_VALUE_LENGTH))).toBeUndefined();
    expect(fieldOf(many(8, MAX_HEADER_VALUE_LENGTH))).toBe('headers');
  });

  it('refuses anything but an object', () => {
    expect(fieldOf(['X-A', 'b'])).toBe('headers');
    expect(fieldOf('X-A: b')).toBe('headers');
  });
});
