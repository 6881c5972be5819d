import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '@herald/domain';
import { assertJsonDepth } from '../common/json';
import { safeFormats } from './safe-formats';
import { safeRegExpEngine, UnsupportedPatternError } from './safe-regexp';
import { linearUniqueItems } from './unique-items';

const MAX_SCHEMA_BYTES = 64 * 1024;
const MAX_CACHED = 1000;

/** A stored schema the current rules refuse; cached like a validator so it is not recompiled. */
interface Unusable {
  unusable: string;
}

/**
 * Compiles event-type JSON Schemas once and keeps the validators, keyed by event type id and
 * version, so publishing does not recompile. Schemas come from tenants: size-capped, compiled
 * without remote `$ref` loading, and with every keyword linear in the payload: patterns run on
 * RE2, uniqueItems hashes canonical items, formats use RE2 (see safe-formats.ts).
 *
 * What stays super-linear is the schema's own shape (many anyOf branches each scanning the
 * payload, or $ref chains that branch): work of schema size × payload size, or exponential in
 * the depth of a branching $ref graph. No per-keyword rule bounds that, so publishes validate
 * through SchemaPool: in worker threads, under a deadline.
 */
export class JsonSchemaValidator {
  private readonly ajv = new Ajv({
    allErrors: false,
    strict: false,
    loadSchema: undefined,
    code: { regExp: safeRegExpEngine },
    // Inlining copies a referenced schema into every place that uses it: a 30 KB definition
    // referenced 1,500 times would compile to 45 MB of code. Functions keep code linear.
    inlineRefs: false,
  });
  private readonly cache = new Map<string, ValidateFunction | Unusable>();

  constructor() {
    // Keywords (formatMinimum…) from ajv-formats, formats from safeFormats().
    addFormats(this.ajv, { formats: [], keywords: true });
    for (const [name, format] of Object.entries(safeFormats())) this.ajv.addFormat(name, format);
    this.ajv.removeKeyword('uniqueItems');
    this.ajv.addKeyword(linearUniqueItems);
  }

  /** Throws BAD_USER_INPUT when `schema` is not a usable JSON Schema. */
  check(schema: unknown, field = 'schema'): void {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
      throw new ValidationError('schema must be a JSON Schema object', { field });
    }
    assertJsonDepth(schema, field);
    if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) {
      throw new ValidationError(`schema must be at most ${MAX_SCHEMA_BYTES} bytes`, { field });
    }
    const compiled = this.compile(schema);
    if ('unusable' in compiled) throw new ValidationError(compiled.unusable, { field });
  }

  /**
   * Returns null when `value` conforms, or a readable list of problems. Throws BAD_USER_INPUT
   * when the schema (stored before the current rules) cannot be compiled safely: running it on
   * V8's backtracking engine instead is exactly what the rules prevent.
   */
  validate(cacheKey: string, schema: object, value: unknown): string | null {
    let validator = this.cache.get(cacheKey);
    if (!validator) {
      validator = this.compile(schema);
      if (this.cache.size >= MAX_CACHED)
        this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(cacheKey, validator);
    }
    if ('unusable' in validator) {
      throw new ValidationError(
        `the event type's schema cannot be used since validation became linear-time; update the schema: ${validator.unusable}`,
        { field: 'schema' },
      );
    }
    if (validator(value)) return null;
    return (validator.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
  }

  private compile(schema: object): ValidateFunction | Unusable {
    try {
      return this.ajv.compile(schema);
    } catch (error) {
      if (error instanceof UnsupportedPatternError) return { unusable: `schema ${error.message}` };
      return { unusable: `schema is not a valid JSON Schema: ${(error as Error).message}` };
    } finally {
      // Ajv keeps every compiled schema (by $id or by the object) for $ref resolution; tenant
      // schemas never refer to one another, and keeping them would grow without bound.
      this.ajv.removeSchema(schema);
    }
  }
}
