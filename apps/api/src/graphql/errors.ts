import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, isHeraldError } from '@herald/domain';
import type { Logger } from '@herald/observability';

/** Apollo's own codes for requests that never reached a resolver; passed through as they are. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const PUBLIC_CODES = new Set<string>(Object.values(ERROR_CODES));

/**
 * The one place errors become public. Herald errors keep their message and stable code; anything
 * else is logged with context and answered with a generic message so internals never leak.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isHeraldError(original)) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...(original.details ?? {}), code: original.code },
      };
    }
    const stored = fromDatabaseError(original);
    if (stored) {
      return {
        message: stored,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (typeof formatted.extensions?.limit === 'string') {
      // A request over one of the query limits (graphql/limits.ts) is bad input, whether a
      // validation rule or the operation gate found it; Apollo relabels the former.
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && (PASS_THROUGH.has(code) || PUBLIC_CODES.has(code)))
      return formatted;
    if (original instanceof GraphQLError && !original.originalError) {
      // Errors raised by graphql-js itself (coercion, validation) describe the request, not us.
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    logger.error('unhandled error', { error: describe(original), path: formatted.path });
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * PostgreSQL refuses some text that JSON and GraphQL accept: NUL characters and lone UTF-16
 * surrogates. Whatever field carried them, the request was bad, not the server; and since the
 * statement failed, its transaction rolled back and nothing was stored.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05', '22P02', '22025']);

function fromDatabaseError(error: unknown): string | null {
  const driver = (error as { driverError?: { code?: string }; code?: string } | null) ?? null;
  const code = driver?.driverError?.code ?? driver?.code;
  if (typeof code === 'string' && UNSTORABLE_TEXT.has(code)) {
    return 'Input contains characters that cannot be stored (NUL characters or unpaired UTF-16 surrogates)';
  }
  return null;
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
