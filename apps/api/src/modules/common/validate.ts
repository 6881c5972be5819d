import { ValidationError } from '@herald/domain';

/**
 * A time argument, refused unless it is a real time in years 1–9999. The DateTimeISO scalar
 * already refuses five-digit years but accepts year 0000 (1 BC), and every bound the API
 * stores or compares with stays inside what an ISO-8601 string, PostgreSQL and the id clock
 * share.
 */
export function checkTime(field: string, value: Date): Date {
  const ms = value.getTime();
  const year = value.getUTCFullYear();
  if (Number.isNaN(ms) || year < 1 || year > 9999) {
    throw new ValidationError(`${field} must be a time between years 0001 and 9999`, { field });
  }
  return value;
}

/** Trims and bounds a required, human-entered string. */
export function requireText(field: string, value: string | null | undefined, max = 256): string {
  const text = (value ?? '').trim();
  if (text.length === 0) throw new ValidationError(`${field} must not be empty`, { field });
  if (text.length > max) {
    throw new ValidationError(`${field} must be at most ${max} characters`, { field });
  }
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new ValidationError(`${field} must not contain control characters`, { field });
  }
  return text;
}

export function optionalText(field: string, value: string | null | undefined, max = 1024): string {
  if (value == null) return '';
  if (value.length > max) {
    throw new ValidationError(`${field} must be at most ${max} characters`, { field });
  }
  return value;
}

/** An optional absolute http(s) URL, e.g. a return URL or a logo; empty means none (null). */
export function optionalHttpUrl(
  field: string,
  value: string | null | undefined,
  max = 2048,
): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  if (text.length > max) {
    throw new ValidationError(`${field} must be at most ${max} characters`, { field });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`${field} must be an absolute URL`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`${field} must use https or http`, { field });
  }
  return url.toString();
}

export function validateRateLimit(field: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new ValidationError(`${field} must be between 1 and 100000 per second`, { field });
  }
  return value;
}

/** Metadata is a flat map of short strings: searchable, displayable, never executable. */
export function validateMetadata(
  value: Record<string, unknown> | null | undefined,
): Record<string, string> {
  if (value == null) return {};
  const entries = Object.entries(value);
  if (entries.length > 50)
    throw new ValidationError('metadata has more than 50 keys', { field: 'metadata' });
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > 64) {
      throw new ValidationError('metadata keys must be 1–64 characters', { field: 'metadata' });
    }
    if (typeof v !== 'string' || v.length > 512) {
      throw new ValidationError(`metadata.${key} must be a string of at most 512 characters`, {
        field: `metadata.${key}`,
      });
    }
    out[key] = v;
  }
  return out;
}

export function validateIdArg(field: string, value: string, prefix: string): string {
  if (typeof value !== 'string' || value.length > 64 || !value.startsWith(`${prefix}_`)) {
    throw new ValidationError(`${field} must be a ${prefix}_… id`, { field });
  }
  return value;
}

/** Adapts a domain name validator ({ok, error}) to a BAD_USER_INPUT on `field`. */
export function checkName(
  validator: (value: unknown) => { ok: true; value: string } | { ok: false; error: string },
  field: string,
  value: unknown,
): string {
  const result = validator(value);
  if (!result.ok) throw new ValidationError(result.error, { field });
  return result.value;
}
