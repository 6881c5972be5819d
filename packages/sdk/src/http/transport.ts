import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { ConnectionError, TimeoutError, codeForStatus, createHeraldError } from '../errors.js';
import {
  parseRetryAfter,
  retryDelayMs,
  type RetryPolicy,
  type RetrySafety,
} from './retry-policy.js';

/** The subset of `fetch` the client calls, so any WHATWG-compatible implementation fits. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: FetchFunction;
}

export interface GraphQLErrorBody {
  message?: string;
  extensions?: Record<string, unknown>;
}

interface GraphQLResponseBody<TData> {
  data?: TData | null;
  errors?: GraphQLErrorBody[];
}

/** One GraphQL operation: the document, its variables and whether repeating it is harmless. */
export interface OperationRequest<TData, TVariables> {
  document: DocumentTypeDecoration<TData, TVariables>;
  variables: TVariables;
  safety: RetrySafety;
}

/**
 * Posts GraphQL operations with authentication, a per-attempt timeout and retries. Only global
 * fetch, AbortController and crypto are used, so it runs in Node 20+, Deno, workers and browsers.
 */
export class Transport {
  private readonly endpoint: string;

  constructor(private readonly options: TransportOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/graphql`;
  }

  async execute<TData, TVariables>(request: OperationRequest<TData, TVariables>): Promise<TData> {
    // One id for every attempt of the call, so the API's logs tie the retries together.
    const requestId = globalThis.crypto.randomUUID();
    const body = JSON.stringify({ query: String(request.document), variables: request.variables });
    for (let retryIndex = 0; ; retryIndex++) {
      try {
        return await this.attempt<TData>(body, requestId);
      } catch (error) {
        const delay = retryDelayMs(error, retryIndex, request.safety, this.options.retry);
        if (delay === null) throw error;
        await sleep(delay);
      }
    }
  }

  private async attempt<TData>(body: string, requestId: string): Promise<TData> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-request-id': requestId,
        },
        body,
        signal: controller.signal,
      });
      // Read inside the timeout too: a server may stall after sending its headers.
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new TimeoutError(`No response from Herald within ${this.options.timeoutMs} ms`, {
          code: 'TIMEOUT',
          requestId,
          cause: error,
        });
      }
      throw new ConnectionError(`Could not reach Herald at ${this.endpoint}: ${describe(error)}`, {
        code: 'CONNECTION_ERROR',
        requestId,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    return interpret<TData>(response, text, response.headers.get('x-request-id') ?? requestId);
  }
}

/** Turns a response into data or the HeraldError it stands for. */
function interpret<TData>(response: Response, text: string, requestId: string): TData {
  const { status } = response;
  const parsed = parseJson<GraphQLResponseBody<TData>>(text);
  const first = parsed?.errors?.[0];
  const retryAfterHeader = parseRetryAfter(response.headers.get('retry-after'));
  if (first) {
    const { code, retryAfterMs, http: _http, ...details } = first.extensions ?? {};
    const resolvedCode = typeof code === 'string' ? code : codeForStatus(status);
    throw createHeraldError(first.message ?? `Herald answered ${resolvedCode}`, {
      code: resolvedCode,
      status,
      requestId,
      details,
      retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : retryAfterHeader,
    });
  }
  if (!response.ok || !parsed || parsed.data == null) {
    // A 2xx without data is a broken response: transient as far as the client can tell.
    const code = response.ok ? 'INTERNAL_SERVER_ERROR' : codeForStatus(status);
    throw createHeraldError(`Herald answered HTTP ${status} without a GraphQL result`, {
      code,
      status,
      requestId,
      retryAfterMs: retryAfterHeader,
    });
  }
  return parsed.data;
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
