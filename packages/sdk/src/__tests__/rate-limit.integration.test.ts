import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Herald } from '../client.js';
import { RateLimitError } from '../errors.js';
import { startApi, type RunningApi } from './api-harness.js';

// The API's real per-tenant mutation limiter, set tight: a burst of 2, refilled at 20 a second.
let api: RunningApi;
let apiKey: string;

beforeAll(async () => {
  api = await startApi({ HERALD_RATE_LIMIT_PER_SECOND: '20', HERALD_RATE_LIMIT_BURST: '2' });
  ({ apiKey } = await api.createTenant('Rate limited'));
});
afterAll(() => api?.stop());

describe('rate limits of the real API', () => {
  it('without retries, a burst beyond the limit is refused with RATE_LIMITED and a hint', async () => {
    const herald = new Herald(apiKey, { baseUrl: api.baseUrl, maxRetries: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => herald.applications.create({ name: `No retry ${i}` })),
    );
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toBeInstanceOf(RateLimitError);
    expect(refused[0]).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((refused[0] as RateLimitError).retryAfterMs).toBeGreaterThan(0);
  });

  it('with retries, every create of the same burst succeeds, once each', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the bucket refill
    const herald = new Herald(apiKey, { baseUrl: api.baseUrl, maxRetries: 10 });
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        herald.applications.create({ name: `Retried ${i}`, uid: `retried-${i}` }),
      ),
    );
    expect(created.map((a) => a.uid).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `retried-${i}`),
    );
    const page = await herald.applications.list({ name: 'Retried' });
    expect(page.items).toHaveLength(6);
  });
});
