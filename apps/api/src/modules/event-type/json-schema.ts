import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '@herald/domain';
import { assertJsonDepth } from '../common/json';

const MAX_SCHEMA_BYTES = 64 * 1024;
const MAX_CACHED = 1000;

/**
 * Compiles event-type JSON Schemas once and keeps the validators, keyed by event type id and
 * version, so publishing does not recompile. Schemas come from tenants: size-capped, and
 * compiled without remote `$ref` loading.
 */
export class JsonSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: false, strict: false, loadSchema: undefined });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
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
    try {
      this.ajv.compile(schema);
    } catch (error) {
      throw new ValidationError(`schema is not a valid JSON Schema: ${(error as Error).message}`, {
        field,
      });
    }
  }

  /** Returns null when `value` conforms, or a readable list of problems. */
  validate(cacheKey: string, schema: object, value: unknown): string | null {
    let validator = this.cache.get(cacheKey);
    if (!validator) {
      validator = this.ajv.compile(schema);
      if (this.cache.size >= MAX_CACHED)
        this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(cacheKey, validator);
    }
    if (validator(value)) return null;
    return (validator.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
  }
}
