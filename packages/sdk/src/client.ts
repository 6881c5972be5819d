import { Transport, type FetchFunction } from './http/transport.js';
import { DEFAULT_RETRY_POLICY } from './http/retry-policy.js';
import { ApiKeys } from './resources/api-keys.js';
import { Applications } from './resources/applications.js';
import { Attempts } from './resources/attempts.js';
import { Deliveries } from './resources/deliveries.js';
import { Endpoints } from './resources/endpoints.js';
import { EventTypes } from './resources/event-types.js';
import { Messages } from './resources/messages.js';

export const DEFAULT_BASE_URL = 'http://localhost:4000';

export interface HeraldOptions {
  /** Where the API lives, without `/graphql`. Default http://localhost:4000 (`npm start`). */
  baseUrl?: string;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures. Default 2; 0 disables. */
  maxRetries?: number;
  /** The backoff cap of the first retry, doubled per retry (full jitter). Default 500 ms. */
  retryBaseDelayMs?: number;
  /** No wait exceeds this; a longer Retry-After is thrown instead. Default 30 s. */
  retryMaxDelayMs?: number;
  /** A fetch implementation; defaults to the global one (Node 20+, Deno, browsers). */
  fetch?: FetchFunction;
}

/**
 * The Herald management API client.
 *
 * ```ts
 * const herald = new Herald(process.env.HERALD_API_KEY!, { baseUrl: 'https://api.example.com' });
 * await herald.messages.send({ application: 'acme', eventType: 'invoice.paid', payload: { id: 1 } });
 * ```
 */
export class Herald {
  readonly applications: Applications;
  readonly eventTypes: EventTypes;
  readonly endpoints: Endpoints;
  readonly messages: Messages;
  readonly deliveries: Deliveries;
  readonly attempts: Attempts;
  readonly apiKeys: ApiKeys;

  constructor(apiKey: string, options: HeraldOptions = {}) {
    if (typeof apiKey !== 'string' || apiKey.trim() === '')
      throw new TypeError('Herald: an API key is required (hk_…)');
    const fetchFunction = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchFunction)
      throw new TypeError('Herald: no global fetch in this runtime; pass options.fetch');
    const transport = new Transport({
      apiKey,
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
      fetch: fetchFunction,
      retry: {
        maxRetries: nonNegativeInteger(options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries),
        baseDelayMs: positive(
          options.retryBaseDelayMs,
          DEFAULT_RETRY_POLICY.baseDelayMs,
          'retryBaseDelayMs',
        ),
        maxDelayMs: positive(
          options.retryMaxDelayMs,
          DEFAULT_RETRY_POLICY.maxDelayMs,
          'retryMaxDelayMs',
        ),
      },
    });
    this.applications = new Applications(transport);
    this.eventTypes = new EventTypes(transport);
    this.endpoints = new Endpoints(transport);
    this.messages = new Messages(transport);
    this.deliveries = new Deliveries(transport);
    this.attempts = new Attempts(transport);
    this.apiKeys = new ApiKeys(transport);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`Herald: ${name} must be a positive number`);
  return value;
}

function nonNegativeInteger(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError('Herald: maxRetries must be a non-negative integer');
  return value;
}
