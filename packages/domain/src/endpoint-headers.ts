import { ValidationError } from './errors';

export const MAX_ENDPOINT_HEADERS = 20;
export const MAX_HEADER_NAME_LENGTH = 64;
export const MAX_HEADER_VALUE_LENGTH = 1024;
/**
 * Names plus values together. Receivers commonly cap a request's header section at 8–16 KiB
 * (Node 16 KiB, nginx 8 KiB per line), and Herald's own signing headers need room beside these.
 */
export const MAX_HEADERS_TOTAL_LENGTH = 8192;

/** RFC 9110 §5.6.2 `token`: the only characters a field name may use. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Visible ASCII, space and horizontal tab: RFC 9110 §5.5 `field-content` without `obs-text`.
 * obs-text (bytes 0x80–0xFF) is refused although the grammar tolerates it: the RFC tells senders
 * not to generate it, and undici (which sends our webhooks, as Node's fetch does) writes each
 * JavaScript character as one latin1 byte, so `café` would arrive as ISO-8859-1 rather than the
 * UTF-8 the tenant typed, and anything above U+00FF (`€`) makes undici refuse the request — every
 * attempt would then fail without a byte sent. CR, LF, NUL and other controls would split or
 * truncate the header and are refused by undici too.
 */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Headers Herald sets itself, or that describe the framing, the body or the hop rather than the
 * tenant's request: letting a tenant set them would break signatures or HTTP framing.
 */
const RESERVED_NAMES = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'http2-settings',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);
/** `webhook-id`, `webhook-timestamp`, `webhook-signature` and any later Standard Webhooks header. */
const RESERVED_PREFIXES = ['webhook-', 'x-herald-', 'proxy-'];

/**
 * The custom headers of an endpoint, checked once for every way in (API key, dashboard session,
 * consumer portal). Throws ValidationError naming the field: `headers` for the set or a malformed
 * name, `headers.<Name>` for one header. Messages never repeat a value, which may be a credential.
 */
export function validateEndpointHeaders(value: unknown): Record<string, string> {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('headers must be an object of header names to values', {
      field: 'headers',
    });
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENDPOINT_HEADERS) {
    throw new ValidationError(`At most ${MAX_ENDPOINT_HEADERS} custom headers`, {
      field: 'headers',
    });
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  let total = 0;
  for (const [name, headerValue] of entries) {
    if (name.length === 0 || name.length > MAX_HEADER_NAME_LENGTH || !TOKEN.test(name)) {
      throw new ValidationError(
        `${JSON.stringify(name)} is not a valid header name (1–${MAX_HEADER_NAME_LENGTH} letters, digits or !#$%&'*+-.^_\`|~)`,
        { field: 'headers' },
      );
    }
    const field = `headers.${name}`;
    const lower = name.toLowerCase();
    if (RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) {
      throw new ValidationError(`Header ${name} is set by Herald and cannot be overridden`, {
        field,
      });
    }
    if (seen.has(lower)) throw new ValidationError(`Header ${name} given twice`, { field });
    seen.add(lower);
    if (typeof headerValue !== 'string') {
      throw new ValidationError(`Header ${name} must be a string`, { field });
    }
    if (headerValue.length > MAX_HEADER_VALUE_LENGTH) {
      throw new ValidationError(
        `Header ${name} must be at most ${MAX_HEADER_VALUE_LENGTH} characters`,
        { field },
      );
    }
    if (!FIELD_VALUE.test(headerValue)) {
      throw new ValidationError(
        `Header ${name} may only contain printable ASCII characters (no line breaks, control or non-ASCII characters)`,
        { field },
      );
    }
    // HTTP strips surrounding whitespace on both ends, so the receiver would see another value.
    if (/^[\t ]|[\t ]$/.test(headerValue)) {
      throw new ValidationError(`Header ${name} must not start or end with whitespace`, { field });
    }
    total += name.length + headerValue.length;
    if (total > MAX_HEADERS_TOTAL_LENGTH) {
      throw new ValidationError(
        `Custom headers may total at most ${MAX_HEADERS_TOTAL_LENGTH} characters`,
        { field: 'headers' },
      );
    }
    out[name] = headerValue;
  }
  return out;
}
