import { describe, expect, it } from 'vitest';
import { ConnectionError, NotFoundError, RateLimitError, ServerError } from '../errors.js';
import { backoffDelayMs, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const server = new ServerError('down', { code: 'INTERNAL_SERVER_ERROR', status: 503 });
const network = new ConnectionError('reset', { code: 'CONNECTION_ERROR' });
const limited = (retryAfterMs?: number) =>
  new RateLimitError('slow', { code: 'RATE_LIMITED', status: 429, retryAfterMs });

describe('backoffDelayMs (full jitter)', () => {
  it('draws uniformly below a cap that doubles per retry and stops at maxDelayMs', () => {
    const highest = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, policy, highest))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(400);
  });
});

describe('retryDelayMs', () => {
  it('retries transient failures of safe operations only', () => {
    expect(retryDelayMs(server, 0, 'safe', policy, () => 0.5)).toBe(50);
    expect(retryDelayMs(network, 1, 'safe', policy, () => 0.5)).toBe(100);
    expect(retryDelayMs(server, 0, 'unsafe', policy)).toBeNull();
    expect(retryDelayMs(network, 0, 'unsafe', policy)).toBeNull();
  });

  it('never retries final errors', () => {
    const notFound = new NotFoundError('gone', { code: 'NOT_FOUND' });
    expect(retryDelayMs(notFound, 0, 'safe', policy)).toBeNull();
    expect(retryDelayMs(new Error('bug'), 0, 'safe', policy)).toBeNull();
  });

  it('stops after maxRetries', () => {
    expect(retryDelayMs(server, 2, 'safe', policy)).not.toBeNull();
    expect(retryDelayMs(server, 3, 'safe', policy)).toBeNull();
    expect(retryDelayMs(limited(1), 3, 'safe', policy)).toBeNull();
  });

  it('waits at least the rate-limit hint, even for unsafe operations', () => {
    expect(retryDelayMs(limited(300), 0, 'unsafe', policy, () => 0)).toBe(300);
    expect(retryDelayMs(limited(300), 0, 'safe', policy, () => 0.5)).toBe(350);
    expect(retryDelayMs(limited(undefined), 1, 'unsafe', policy, () => 0.5)).toBe(100);
  });

  it('gives up rather than wait longer than maxDelayMs', () => {
    expect(retryDelayMs(limited(1_001), 0, 'safe', policy)).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
