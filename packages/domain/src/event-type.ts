export type NameValidation = { ok: true; value: string } | { ok: false; error: string };

const EVENT_TYPE_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const CHANNEL = /^[A-Za-z0-9_.:-]+$/;
const APPLICATION_UID = /^[A-Za-z0-9_.-]+$/;

/** `invoice.paid`, `user.created.v2`: dot-separated segments of letters, digits, `_` and `-`. */
export function validateEventTypeName(name: unknown): NameValidation {
  return check(
    name,
    'Event type name',
    256,
    EVENT_TYPE_NAME,
    'dot-separated segments of letters, digits, "_" and "-"',
  );
}

export function validateChannel(name: unknown): NameValidation {
  return check(name, 'Channel', 128, CHANNEL, 'letters, digits, "_", ".", ":" and "-"');
}

/** The tenant's own id for an application (typically their customer id). */
export function validateApplicationUid(uid: unknown): NameValidation {
  const result = check(
    uid,
    'Application uid',
    256,
    APPLICATION_UID,
    'letters, digits, "_", "." and "-"',
  );
  // Lookups accept an id or a uid in one argument; a uid shaped like an id would be ambiguous.
  if (result.ok && result.value.toLowerCase().startsWith('app_')) {
    return {
      ok: false,
      error: 'Application uid must not start with "app_", which is reserved for application ids',
    };
  }
  return result;
}

function check(
  value: unknown,
  what: string,
  maxLength: number,
  pattern: RegExp,
  allowed: string,
): NameValidation {
  if (typeof value !== 'string') return { ok: false, error: `${what} must be a string` };
  if (value.length < 1 || value.length > maxLength)
    return { ok: false, error: `${what} must be 1 to ${maxLength} characters` };
  if (!pattern.test(value)) return { ok: false, error: `${what} may contain only ${allowed}` };
  return { ok: true, value };
}
