/**
 * What may never reach a log line: credentials of any kind and message payloads (tenants' data).
 * Keys are matched after dropping separators and case, on their ending, so `authorization`,
 * `x-api-key`, `webhookSecret`, `operatorToken`, `set-cookie` and `requestBody` are all caught
 * wherever they sit in the fields.
 */
const SENSITIVE_KEY =
  /(authorization|cookie|password|passphrase|passwd|secret|secrets|token|tokens|apikey|apikeys|signature|signatures|privatekey|encryptionkey|signingkey|credential|credentials|payload|payloads|body|rawbody|certpem|keypem)$/;

/** Known credential shapes that may hide in free text (an error message echoing a header). */
const SENSITIVE_VALUE =
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\b(hk|hs|whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9_]+/g;

export const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.replace(/[-_.\s]/g, '').toLowerCase());
}

export function redactText(text: string): string {
  SENSITIVE_VALUE.lastIndex = 0;
  if (!SENSITIVE_VALUE.test(text)) return text;
  return text.replace(SENSITIVE_VALUE, (match, scheme: string | undefined, prefix: string) =>
    scheme ? `${scheme} ${REDACTED}` : `${prefix}_${REDACTED}`,
  );
}

/**
 * A copy of `value` with sensitive keys masked, credential-shaped strings scrubbed and errors
 * turned into plain objects. The input is never modified (callers log live objects).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: redactText(value.message),
    };
    if (value.stack) out.stack = redactText(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    return out;
  }
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item != null ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/** Like redact, for the top-level fields object of one log entry. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redact(fields) as Record<string, unknown>;
}
