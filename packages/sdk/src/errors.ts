/**
 * Every failure the client reports is a HeraldError carrying the API's stable `code` (its GraphQL
 * `extensions.code`), the HTTP status and the request id sent as `x-request-id`, so callers branch
 * on classes or codes and quote the id to support. Each code maps to exactly one class here.
 */
export interface HeraldErrorInit {
  code: string;
  status?: number;
  requestId?: string;
  /** The remaining `extensions` of the GraphQL error, e.g. `field` for BAD_USER_INPUT. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class HeraldError extends Error {
  readonly code: string;
  /** The HTTP status, when a response arrived (GraphQL errors often come with 200). */
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, init: HeraldErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    // Keeps `instanceof` right when a consumer compiles this to ES5-style classes.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details ?? {};
  }
}

/** UNAUTHENTICATED: the API key is missing, wrong, expired or revoked. */
export class AuthenticationError extends HeraldError {}

/** FORBIDDEN: the key's role may not do this (e.g. a viewer key writing). */
export class PermissionDeniedError extends HeraldError {}

export class NotFoundError extends HeraldError {}

/** BAD_USER_INPUT, or a document the server could not parse or validate. */
export class ValidationError extends HeraldError {}

/** CONFLICT: e.g. an application uid or event type name that already exists. */
export class ConflictError extends HeraldError {}

/** PLAN_LIMIT_EXCEEDED: the tenant's plan does not allow more; retrying will not help. */
export class PlanLimitError extends HeraldError {}

/** BAD_REQUEST: the HTTP body itself was malformed. */
export class BadRequestError extends HeraldError {}

/** PAYLOAD_TOO_LARGE: the request body exceeds the API's limit; send smaller batches. */
export class PayloadTooLargeError extends HeraldError {}

/** RATE_LIMITED: retried automatically; thrown once retries are used up. */
export class RateLimitError extends HeraldError {
  /** How long the API asked to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: HeraldErrorInit & { retryAfterMs?: number }) {
    super(message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A 5xx or INTERNAL_SERVER_ERROR: the request may or may not have taken effect. */
export class ServerError extends HeraldError {}

/** No response arrived (DNS, refused, reset): the request may or may not have taken effect. */
export class ConnectionError extends HeraldError {}

/** No response within `timeoutMs`. */
export class TimeoutError extends ConnectionError {}

type ErrorClass = new (message: string, init: HeraldErrorInit) => HeraldError;

const CLASS_BY_CODE: Readonly<Record<string, ErrorClass>> = {
  UNAUTHENTICATED: AuthenticationError,
  FORBIDDEN: PermissionDeniedError,
  NOT_FOUND: NotFoundError,
  BAD_USER_INPUT: ValidationError,
  GRAPHQL_PARSE_FAILED: ValidationError,
  GRAPHQL_VALIDATION_FAILED: ValidationError,
  CONFLICT: ConflictError,
  PLAN_LIMIT_EXCEEDED: PlanLimitError,
  BAD_REQUEST: BadRequestError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  RATE_LIMITED: RateLimitError,
  INTERNAL_SERVER_ERROR: ServerError,
};

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** The class for a code; an unknown code still becomes a HeraldError, never a plain Error. */
export function createHeraldError(
  message: string,
  init: HeraldErrorInit & { retryAfterMs?: number },
): HeraldError {
  const ErrorClass = CLASS_BY_CODE[init.code] ?? HeraldError;
  return new ErrorClass(message, init);
}

/** The code for a response that carried no GraphQL error (a proxy's 502, a bare 429). */
export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'HTTP_ERROR');
}
