import { RE2 } from 're2-wasm';

/**
 * Thrown when a tenant's pattern cannot run on a linear-time engine. Its message names the
 * pattern and the reason, for the BAD_USER_INPUT answer.
 */
export class UnsupportedPatternError extends Error {
  constructor(pattern: string, reason: string) {
    super(
      `pattern ${JSON.stringify(pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern)} ` +
        `cannot be used: ${reason} (patterns run on a linear-time engine: backreferences and ` +
        `lookaround are not supported)`,
    );
    this.name = 'UnsupportedPatternError';
  }
}

/**
 * Compiles `source` for RE2, whose matching time is linear in the input whatever the pattern:
 * V8's backtracking engine takes seconds on `^(a+)+$` against 30 characters. The pattern must
 * also be ECMAScript syntax (JSON Schema's dialect), so a Perl-only construct RE2 would accept
 * is refused too; parsing with V8 only checks syntax, it never runs the pattern.
 */
export function compileSafeRegExp(source: string, flags = ''): RE2 {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    throw new UnsupportedPatternError(
      source,
      `it is not a valid ECMAScript pattern: ${cause(error)}`,
    );
  }
  try {
    // re2-wasm only runs in Unicode mode; JSON Schema patterns are Unicode patterns anyway.
    return new RE2(source, flags.includes('u') ? flags : `${flags}u`);
  } catch (error) {
    throw new UnsupportedPatternError(source, cause(error));
  }
}

function cause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // "Invalid regular expression: /…/u: invalid perl operator: (?=": keep the reason only.
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  return reason.length > 200 ? `${reason.slice(0, 200)}…` : reason;
}

/**
 * Ajv's `code.regExp` engine (used by `pattern`, `patternProperties` and `propertyNames`).
 * `code` is what standalone code generation would emit; Herald never emits standalone code.
 */
export const safeRegExpEngine = Object.assign(
  (pattern: string, _flags: string) => compileSafeRegExp(pattern),
  { code: 'require("re2-wasm").RE2' },
);
