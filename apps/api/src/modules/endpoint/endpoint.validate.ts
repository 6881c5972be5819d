import { checkName } from '../common/validate';
import {
  validateChannel,
  validateEventTypeName,
  validatePayloadFilter,
  ValidationError,
} from '@herald/domain';

const MAX_HEADERS = 20;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
/** Headers we set ourselves or that would break HTTP framing; tenants may not override them. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'expect',
  'user-agent',
]);

export function validateHeaders(
  value: Record<string, unknown> | null | undefined,
): Record<string, string> {
  if (value == null) return {};
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) {
    throw new ValidationError(`At most ${MAX_HEADERS} custom headers`, { field: 'headers' });
  }
  const out: Record<string, string> = {};
  for (const [name, v] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      throw new ValidationError(`"${name}" is not a valid header name`, { field: 'headers' });
    }
    if (
      RESERVED_HEADERS.has(lower) ||
      lower.startsWith('webhook-') ||
      lower.startsWith('x-herald-')
    ) {
      throw new ValidationError(`Header ${name} is set by Herald and cannot be overridden`, {
        field: 'headers',
      });
    }
    if (typeof v !== 'string' || v.length > 1024 || /[\r\n\u0000]/.test(v)) {
      throw new ValidationError(
        `Header ${name} must be a single-line string of at most 1024 characters`,
        {
          field: `headers.${name}`,
        },
      );
    }
    if (lower in lowerKeys(out))
      throw new ValidationError(`Header ${name} given twice`, { field: 'headers' });
    out[name] = v;
  }
  return out;
}

function lowerKeys(o: Record<string, string>): Record<string, true> {
  return Object.fromEntries(Object.keys(o).map((k) => [k.toLowerCase(), true]));
}

export function validateEventTypeFilter(value: string[] | null | undefined): string[] | null {
  if (value == null || value.length === 0) return null;
  if (value.length > 200)
    throw new ValidationError('At most 200 event types', { field: 'eventTypes' });
  for (const name of value) checkName(validateEventTypeName, 'eventTypes', name);
  return [...new Set(value)];
}

export function validateChannels(
  value: string[] | null | undefined,
  field = 'channels',
): string[] | null {
  if (value == null || value.length === 0) return null;
  if (value.length > 10) throw new ValidationError('At most 10 channels', { field });
  for (const channel of value) checkName(validateChannel, field, channel);
  return [...new Set(value)];
}

export function checkPayloadFilter(
  value: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  if (value == null) return null;
  const result = validatePayloadFilter(value);
  if (!result.ok)
    throw new ValidationError(`payloadFilter: ${result.error}`, { field: 'payloadFilter' });
  return value;
}
