import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import {
  Client,
  CombinedError,
  createRequest,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type OperationResult,
} from '@urql/core';
import { createClient, type Client as WsClient } from 'graphql-ws';

/** A typed document from src/gql (client preset, documentMode "string"). */
export type Document<R, V> = DocumentTypeDecoration<R, V> & { toString(): string };

/** The stable public codes of the API, plus the two the client adds itself. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PLAN_LIMIT_EXCEEDED'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'BILLING_NOT_CONFIGURED'
  | 'NETWORK'
  | 'INTERNAL';

interface WireError {
  message: string;
  extensions?: Record<string, unknown>;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static fromWire(errors: readonly WireError[]): ApiError {
    const first = errors[0] ?? { message: 'Unknown error' };
    const raw = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL';
    const code = (KNOWN_CODES.has(raw) ? raw : 'INTERNAL') as ErrorCode;
    return new ApiError(code, first.message, first.extensions ?? {});
  }

  /** The field the server blamed, when it named one (BAD_USER_INPUT). */
  get field(): string | undefined {
    const field = this.extensions.field;
    return typeof field === 'string' ? field : undefined;
  }
}

const KNOWN_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'PLAN_LIMIT_EXCEEDED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'BILLING_NOT_CONFIGURED',
]);

/** What a person should read for an error: the server's words plus what to do about it. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return `${error.message}. Please sign in again.`;
    case 'FORBIDDEN':
      return `${error.message} (your role does not allow this).`;
    case 'RATE_LIMITED': {
      const ms = Number(error.extensions.retryAfterMs ?? 0);
      return `Too many requests: try again in ${Math.max(1, Math.ceil(ms / 1000))} s.`;
    }
    case 'PLAN_LIMIT_EXCEEDED':
      return `${error.message}. Upgrade your plan on the Billing page to send more.`;
    case 'NETWORK':
      return `Could not reach the Herald API (${error.message}). Check your connection and retry.`;
    case 'INTERNAL':
      return error.message || 'Something went wrong on our side. Please retry.';
    default:
      return error.message;
  }
}

/** An ApiError for what urql reports: the API's first GraphQL error, or what went wrong on the way. */
export function apiErrorOf(error: CombinedError): ApiError {
  if (error.graphQLErrors.length) return ApiError.fromWire(error.graphQLErrors as WireError[]);
  const cause: unknown = error.networkError;
  if (isCloseEvent(cause))
    // graphql-ws hands over the close event; the API closes with 4403 when it refuses the token.
    return new ApiError(
      cause.code === 4403 ? 'UNAUTHENTICATED' : 'NETWORK',
      cause.reason || `Live connection closed (${cause.code})`,
    );
  // A response without a GraphQL body (a proxy's HTML page, an empty 502): the API was reached.
  const status = (error.response as Response | undefined)?.status;
  if (typeof status === 'number')
    return new ApiError(
      status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
      `The API answered HTTP ${status} without a GraphQL body`,
    );
  return new ApiError(
    'NETWORK',
    cause instanceof Error ? cause.message : 'The connection to the API failed',
  );
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

export interface Sink<R> {
  next(data: R): void;
  error(error: ApiError): void;
}

/** What the screens use: one promise per request, a callback per subscription event. */
export interface GraphQLClient {
  request<R, V>(document: Document<R, V>, variables: V): Promise<R>;
  /** Starts a subscription; returns the function that ends it. */
  subscribe<R, V>(document: Document<R, V>, variables: V, sink: Sink<R>): () => void;
}

export interface HttpClientOptions {
  /** Base URL of the API ('' = same origin). */
  baseUrl?: string;
  getToken(): string | null;
  /** Called when the API refuses the token, so the app can return to its sign-in screen. */
  onUnauthenticated?(): void;
  fetch?: typeof fetch;
  /** The WebSocket class graphql-ws uses (tests pass a fake; browsers have their own). */
  webSocketImpl?: unknown;
}

/**
 * The app's urql client: queries and mutations over fetch, subscriptions over graphql-ws on the
 * same path, both authenticated with the bearer token the session holds at the time.
 *
 * There is deliberately no cache exchange: the screens refetch after their mutations and expect
 * fresh lists, which a document cache would serve stale. `network-only` keeps it that way if one
 * is ever added.
 */
export function createUrqlClient(options: HttpClientOptions): Client {
  const bearer = (): Record<string, string> => {
    const token = options.getToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  let ws: WsClient | null = null;
  let wsToken: string | null = null;
  // Browsers cannot set headers on a WebSocket, so the token travels in connectionParams; an open
  // socket keeps the token it connected with, hence a new socket when the token changes.
  const websocket = (): WsClient => {
    const token = options.getToken();
    if (ws && wsToken === token) return ws;
    void ws?.dispose();
    wsToken = token;
    const base = options.baseUrl || window.location.origin;
    ws = createClient({
      url: `${base.replace(/^http/, 'ws')}/graphql`,
      connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
      lazy: true,
      retryAttempts: 5,
      webSocketImpl: options.webSocketImpl,
    });
    return ws;
  };

  return new Client({
    url: `${options.baseUrl ?? ''}/graphql`,
    requestPolicy: 'network-only',
    // Always POST: urql would otherwise send short queries as GET, which the API's CSRF guard
    // refuses without a preflight header.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: bearer() }),
    fetch: options.fetch,
    exchanges: [
      mapExchange({
        // A refused live connection shows on the live log; queries and mutations decide about the
        // session, as they did before the app moved to urql.
        onError(error, operation) {
          if (operation.kind === 'subscription') return;
          if (apiErrorOf(error).code === 'UNAUTHENTICATED') options.onUnauthenticated?.();
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: websocket().subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
}

const adapters = new WeakMap<Client, GraphQLClient>();

/**
 * The screens' interface on top of an urql client. Documents from src/gql are `String` objects
 * (documentMode "string"); urql parses primitive strings only, hence `toString()`.
 */
export function graphQLClientOf(client: Client): GraphQLClient {
  const known = adapters.get(client);
  if (known) return known;
  const data = <R>(result: OperationResult<R>): R => {
    if (result.error) throw apiErrorOf(result.error);
    if (result.data == null) throw new ApiError('INTERNAL', 'The API answered without data');
    return result.data;
  };
  const adapter: GraphQLClient = {
    async request<R, V>(document: Document<R, V>, variables: V): Promise<R> {
      const request = createRequest<R, V & object>(document.toString(), variables as V & object);
      const kind = request.query.definitions.some(
        (d) => d.kind === 'OperationDefinition' && d.operation === 'mutation',
      )
        ? 'mutation'
        : 'query';
      const operation = client.createRequestOperation(kind, request);
      return data(await client.executeRequestOperation<R, V & object>(operation).toPromise());
    },

    subscribe<R, V>(document: Document<R, V>, variables: V, sink: Sink<R>): () => void {
      const { unsubscribe } = client
        .subscription<R, V & object>(document.toString(), variables as V & object)
        .subscribe((result) => {
          if (result.error) sink.error(apiErrorOf(result.error));
          else if (result.data != null) sink.next(result.data);
        });
      return unsubscribe;
    },
  };
  adapters.set(client, adapter);
  return adapter;
}

/** A standalone client for code outside the urql Provider (the consumer portal's sign-in). */
export function createHttpClient(options: HttpClientOptions): GraphQLClient {
  return graphQLClientOf(createUrqlClient(options));
}
