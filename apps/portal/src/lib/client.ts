import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export interface Sink<R> {
  next(data: R): void;
  error(error: ApiError): void;
}

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
}

/** Same-origin GraphQL over fetch, subscriptions over graphql-ws on the same path. */
export function createHttpClient(options: HttpClientOptions): GraphQLClient {
  const endpoint = `${options.baseUrl ?? ''}/graphql`;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  let ws: WsClient | null = null;
  let wsToken: string | null = null;

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
    });
    return ws;
  };

  return {
    async request<R, V>(document: Document<R, V>, variables: V): Promise<R> {
      const token = options.getToken();
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ query: document.toString(), variables }),
        });
      } catch (error) {
        throw new ApiError('NETWORK', (error as Error).message);
      }
      let body: { data?: R | null; errors?: WireError[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new ApiError(
          response.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
          `The API answered HTTP ${response.status} without a GraphQL body`,
        );
      }
      if (body.errors?.length) {
        const error = ApiError.fromWire(body.errors);
        if (error.code === 'UNAUTHENTICATED') options.onUnauthenticated?.();
        throw error;
      }
      if (!body.data) throw new ApiError('INTERNAL', `Empty response (HTTP ${response.status})`);
      return body.data;
    },

    subscribe<R, V>(document: Document<R, V>, variables: V, sink: Sink<R>): () => void {
      return websocket().subscribe<R>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) sink.error(ApiError.fromWire(result.errors));
            else if (result.data) sink.next(result.data);
          },
          error: (error) => {
            if (Array.isArray(error)) sink.error(ApiError.fromWire(error as WireError[]));
            else if (error instanceof CloseEvent)
              sink.error(
                new ApiError(
                  error.code === 4403 ? 'UNAUTHENTICATED' : 'NETWORK',
                  error.reason || `Live connection closed (${error.code})`,
                ),
              );
            else sink.error(new ApiError('NETWORK', (error as Error).message ?? 'Live log failed'));
          },
          complete: () => undefined,
        },
      );
    },
  };
}
