import { RateLimitedError } from '@herald/domain';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the burst, then refuses with a retry hint, then refills', () => {
    let now = 0;
    const limiter = new RateLimiter(10, 3, () => now);
    limiter.take('t1');
    limiter.take('t1');
    limiter.take('t1');
    let error: unknown;
    try {
      limiter.take('t1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(100);
    now = 100;
    expect(() => limiter.take('t1')).not.toThrow();
  });

  it('keeps tenants apart', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    expect(() => limiter.take('b')).not.toThrow();
  });

  it('charges by cost', () => {
    const limiter = new RateLimiter(100, 50, () => 0);
    limiter.take('a', 50);
    expect(() => limiter.take('a', 1)).toThrow(RateLimitedError);
  });
});
