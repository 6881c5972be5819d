import { ConnectionError, RateLimitError, ServerError } from '../errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** The backoff cap of the first retry; doubled for each further one. */
  baseDelayMs: number;
  /** No backoff exceeds this, and a Retry-After longer than this is not waited for. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/**
 * Whether repeating a request can change more than the first one did. Reads and idempotent
 * writes (updates, sends with an idempotency key) are `safe` and retried on any transient
 * failure; the rest only when the API provably did not run them (rate limited).
 */
export type RetrySafety = 'safe' | 'unsafe';

/** Full jitter (AWS): uniform in [0, min(cap, base·2^n)], so retrying clients spread out. */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random = Math.random) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before retry number `retryIndex` (0-based) after `error`, or null to give up
 * and throw it. Pure, so the whole policy is unit-tested without a clock.
 */
export function retryDelayMs(
  error: unknown,
  retryIndex: number,
  safety: RetrySafety,
  policy: RetryPolicy,
  random = Math.random,
): number | null {
  if (retryIndex >= policy.maxRetries) return null;
  if (error instanceof RateLimitError) {
    // The limiter refuses before the operation runs, so even unsafe writes may repeat.
    if (error.retryAfterMs === undefined) return backoffDelayMs(retryIndex, policy, random);
    if (error.retryAfterMs > policy.maxDelayMs) return null;
    // A little spread on top of the hint, so clients told the same instant do not collide again.
    return error.retryAfterMs + Math.floor(random() * Math.min(policy.baseDelayMs, 1_000));
  }
  const transient = error instanceof ConnectionError || error instanceof ServerError;
  if (transient && safety === 'safe') return backoffDelayMs(retryIndex, policy, random);
  return null;
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
