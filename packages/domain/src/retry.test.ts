import { describe, expect, it } from 'vitest';
import {
  classifyOutcome,
  DEFAULT_RETRY_POLICY,
  DEFAULT_RETRY_SCHEDULE_MS,
  maxAttempts,
  nextDelay,
  parseHttpDate,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryPolicy,
} from './retry';

const policy = DEFAULT_RETRY_POLICY;
const middle = () => 0.5; // no jitter: 1 + 0.2 * (2 * 0.5 - 1) = 1
const serverError: AttemptOutcome = { kind: 'http', status: 500 };

/** Deterministic, evenly spread values in [0, 1), including both ends. */
function sweep(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i / count).concat([0, 0.999999999]);
}

describe('DEFAULT_RETRY_SCHEDULE_MS', () => {
  it('is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(maxAttempts(policy)).toBe(8);
    expect(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_MS)).toBe(true);
  });
});

describe('classifyOutcome', () => {
  it.each([200, 201, 202, 204, 299])('%i is success', (status) => {
    expect(classifyOutcome({ kind: 'http', status })).toBe('success');
  });

  it('410 is gone', () => {
    expect(classifyOutcome({ kind: 'http', status: 410 })).toBe('gone');
  });

  it.each([
    100, 199, 300, 301, 302, 307, 308, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504, 599,
  ])('%i retries', (status) => {
    expect(classifyOutcome({ kind: 'http', status })).toBe('retry');
  });

  it.each(['timeout', 'refused', 'reset', 'dns', 'tls', 'other'] as const)(
    'network %s retries',
    (error) => {
      expect(classifyOutcome({ kind: 'network', error })).toBe('retry');
    },
  );

  it('success is success', () => {
    expect(classifyOutcome({ kind: 'success' })).toBe('success');
  });
});

describe('nextDelay', () => {
  it('follows the schedule without jitter at random = 0.5', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempts) =>
      nextDelay(attempts, serverError, policy, middle),
    );
    expect(delays).toEqual(DEFAULT_RETRY_SCHEDULE_MS.slice(1));
  });

  it('is null once the schedule is exhausted', () => {
    expect(nextDelay(8, serverError, policy, middle)).toBeNull();
    expect(nextDelay(100, { kind: 'network', error: 'refused' }, policy, middle)).toBeNull();
    expect(nextDelay(1, serverError, { ...policy, schedule: [0] }, middle)).toBeNull();
  });

  it('is null for final outcomes', () => {
    expect(nextDelay(1, { kind: 'success' }, policy, middle)).toBeNull();
    expect(nextDelay(1, { kind: 'http', status: 204 }, policy, middle)).toBeNull();
    expect(
      nextDelay(1, { kind: 'http', status: 410, retryAfterMs: 5_000 }, policy, middle),
    ).toBeNull();
  });

  it('stays within ±jitter of every scheduled delay', () => {
    for (let attempts = 1; attempts < DEFAULT_RETRY_SCHEDULE_MS.length; attempts++) {
      const scheduled = DEFAULT_RETRY_SCHEDULE_MS[attempts] ?? 0;
      const delays = sweep(1000).map(
        (r) => nextDelay(attempts, serverError, policy, () => r) ?? -1,
      );
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(Math.floor(scheduled * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.ceil(scheduled * 1.2));
        expect(Number.isInteger(delay)).toBe(true);
      }
      // The spread is actually used, not just bounded.
      expect(Math.min(...delays)).toBeLessThan(scheduled * 0.81);
      expect(Math.max(...delays)).toBeGreaterThan(scheduled * 1.19);
    }
  });

  it('clamps a misbehaving random source into the jitter band', () => {
    for (const r of [-5, 7, Number.NaN, Number.POSITIVE_INFINITY]) {
      const delay = nextDelay(2, serverError, policy, () => r) ?? -1;
      expect(delay).toBeGreaterThanOrEqual(240_000);
      expect(delay).toBeLessThanOrEqual(360_000);
    }
  });

  it('waits at least a minute after 429 or a timeout', () => {
    for (const r of sweep(200)) {
      expect(nextDelay(1, { kind: 'http', status: 429 }, policy, () => r)).toBe(60_000);
      expect(nextDelay(1, { kind: 'network', error: 'timeout' }, policy, () => r)).toBe(60_000);
    }
    // Other failures do not get the floor.
    expect(nextDelay(1, { kind: 'network', error: 'refused' }, policy, middle)).toBe(5_000);
    expect(nextDelay(1, { kind: 'http', status: 503 }, policy, middle)).toBe(5_000);
    // Later delays are already longer than the floor and keep their jitter.
    expect(nextDelay(2, { kind: 'http', status: 429 }, policy, () => 0)).toBe(240_000);
  });

  it('honours Retry-After between the scheduled delay and the cap', () => {
    const hinted = (retryAfterMs: number | null, attempts = 2, status = 503) =>
      nextDelay(attempts, { kind: 'http', status, retryAfterMs }, policy, () => 0);
    expect(hinted(20 * 60_000)).toBe(20 * 60_000); // within bounds: as asked
    expect(hinted(1_000)).toBe(300_000); // sooner than the schedule: the schedule, unjittered
    expect(hinted(0)).toBe(300_000);
    expect(hinted(7 * 24 * 3_600_000)).toBe(24 * 3_600_000); // a week: the cap
    expect(hinted(null)).toBe(240_000); // no hint: jittered schedule
    expect(hinted(-1)).toBe(240_000); // nonsense hint: ignored
    expect(hinted(Number.NaN)).toBe(240_000);
  });

  it('keeps the throttle floor even when Retry-After asks for less', () => {
    expect(nextDelay(1, { kind: 'http', status: 429, retryAfterMs: 1_000 }, policy, middle)).toBe(
      60_000,
    );
    expect(nextDelay(1, { kind: 'http', status: 429, retryAfterMs: 90_000 }, policy, middle)).toBe(
      90_000,
    );
  });

  it('lets the schedule win when it is longer than the Retry-After cap', () => {
    const tight: RetryPolicy = { ...policy, maxRetryAfterMs: 60_000 };
    expect(nextDelay(4, { kind: 'http', status: 503, retryAfterMs: 10 }, tight, middle)).toBe(
      7_200_000,
    );
    expect(
      nextDelay(1, { kind: 'http', status: 503, retryAfterMs: 3_600_000 }, tight, middle),
    ).toBe(60_000);
  });

  it('works with a shrunk test schedule', () => {
    const fast: RetryPolicy = {
      schedule: [0, 10, 20],
      jitter: 0,
      minDelayAfterThrottleMs: 0,
      maxRetryAfterMs: 1_000,
    };
    expect(nextDelay(1, serverError, fast, Math.random)).toBe(10);
    expect(nextDelay(2, serverError, fast, Math.random)).toBe(20);
    expect(nextDelay(3, serverError, fast, Math.random)).toBeNull();
  });

  it('refuses an attempt count below 1', () => {
    expect(() => nextDelay(0, serverError, policy, middle)).toThrow(RangeError);
    expect(() => nextDelay(1.5, serverError, policy, middle)).toThrow(RangeError);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('99999999999999999999', now)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads all three HTTP-date forms as UTC', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed Jan 15 12:01:30 2025', now)).toBe(90_000);
    expect(parseRetryAfter('Sat Feb  1 00:00:00 2025', now)).toBe(Date.UTC(2025, 1, 1) - now);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it.each([
    null,
    undefined,
    '',
    'soon',
    '-5',
    '1.5',
    '0x10',
    'Wed, 32 Jan 2025 12:00:00 GMT',
    'Wed, 15 Foo 2025 12:00:00 GMT',
    'Wed, 15 Jan 2025 25:00:00 GMT',
    'Wed, 15 Jan 2025 12:00:00 PST',
    '2025-01-15T12:01:30Z',
  ])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeNull();
  });

  it('does not roll impossible days into the next month', () => {
    expect(parseHttpDate('Fri, 30 Feb 2024 00:00:00 GMT', now)).toBeNull();
    expect(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT', now)).toBe(Date.UTC(2024, 1, 29));
  });

  it('puts two-digit years in the right century', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(
      Date.UTC(1994, 10, 6, 8, 49, 37),
    );
    expect(parseHttpDate('Monday, 06-Nov-30 08:49:37 GMT', now)).toBe(
      Date.UTC(2030, 10, 6, 8, 49, 37),
    );
  });
});
