import { RateLimitedError } from '@herald/domain';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per key (tenant), in memory. Each API replica limits on its own, so the
 * effective limit scales with replicas; good enough to stop one tenant from starving the rest.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens or throws RATE_LIMITED with how long to wait. */
  take(key: string, cost = 1): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < cost) {
      this.buckets.set(key, bucket);
      const retryAfterMs = Math.ceil(((cost - bucket.tokens) / this.ratePerSecond) * 1000);
      throw new RateLimitedError('Too many requests for this tenant; retry later', {
        retryAfterMs,
      });
    }
    bucket.tokens -= cost;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.prune(now);
  }

  private prune(now: number): void {
    const fullAfterMs = (this.burst / this.ratePerSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updatedAt > fullAfterMs) this.buckets.delete(key);
    }
  }
}
