import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../http/sender';
import { decide, toOutcome, type StepPolicy } from './decide';

/*
 * Every branch of what one attempt means. decide() is pure: the clock and the jitter are
 * arguments, so these need no database, server or Temporal.
 */

const NOW = Date.parse('2026-12-05T12:00:00Z');
const POLICY: StepPolicy = {
  schedule: [0, 5_000, 300_000],
  jitter: 0,
  minDelayAfterThrottleMs: 60_000,
  maxRetryAfterMs: 3_600_000,
  failingEventAfterAttempts: 2,
};
const clock = { nowMs: NOW, random: () => 0.5 };

function sent(overrides: Partial<SendResult>): SendResult {
  return {
    status: 200,
    errorKind: null,
    errorMessage: null,
    retryAfter: null,
    excerpt: null,
    durationMs: 12,
    ...overrides,
  };
}

const pending = (attemptCount: number, nextAttemptAt: Date | null = new Date(NOW)) => ({
  status: 'PENDING' as const,
  attemptCount,
  nextAttemptAt,
});

describe('decide: scheduled attempts', () => {
  it('a 2xx succeeds and counts the attempt', () => {
    expect(decide(pending(0), false, sent({ status: 204 }), POLICY, clock)).toEqual({
      verdict: 'success',
      status: 'SUCCEEDED',
      attemptCount: 1,
      nextDelayMs: null,
      gone: false,
      outcome: 'succeeded',
      operational: null,
    });
  });

  it('a 5xx retries after the next delay of the schedule', () => {
    const d = decide(pending(0), false, sent({ status: 500 }), POLICY, clock);
    expect(d).toMatchObject({ verdict: 'retry', status: 'PENDING', attemptCount: 1 });
    expect(d.nextDelayMs).toBe(5_000);
    expect(d.outcome).toBe('retrying');
  });

  it('the last attempt of the schedule exhausts the delivery and says so', () => {
    const d = decide(pending(2), false, sent({ status: 503 }), POLICY, clock);
    expect(d).toMatchObject({
      status: 'EXHAUSTED',
      attemptCount: 3,
      nextDelayMs: null,
      outcome: 'exhausted',
      operational: 'message.attempt.exhausted',
    });
  });

  it('410 Gone fails the delivery for good and disables the endpoint', () => {
    const d = decide(pending(0), false, sent({ status: 410 }), POLICY, clock);
    expect(d).toMatchObject({ verdict: 'gone', status: 'FAILED', gone: true, nextDelayMs: null });
    expect(d.outcome).toBe('failed');
  });

  it('429 honours Retry-After in seconds, above the throttle floor', () => {
    const d = decide(pending(0), false, sent({ status: 429, retryAfter: '120' }), POLICY, clock);
    expect(d.nextDelayMs).toBe(120_000);
  });

  it('429 honours an HTTP-date Retry-After, capped by maxRetryAfterMs', () => {
    const far = new Date(NOW + 10 * 3_600_000).toUTCString();
    const d = decide(pending(0), false, sent({ status: 429, retryAfter: far }), POLICY, clock);
    expect(d.nextDelayMs).toBe(3_600_000);
  });

  it('429 without Retry-After waits at least the throttle floor', () => {
    const d = decide(pending(0), false, sent({ status: 429 }), POLICY, clock);
    expect(d.nextDelayMs).toBe(60_000);
  });

  it('a timeout is a retry that waits at least the throttle floor', () => {
    const d = decide(
      pending(0),
      false,
      sent({ status: null, errorKind: 'timeout' }),
      POLICY,
      clock,
    );
    expect(d).toMatchObject({ verdict: 'retry', status: 'PENDING' });
    expect(d.nextDelayMs).toBe(60_000);
  });

  it('a refused connection retries on the schedule', () => {
    const d = decide(
      pending(0),
      false,
      sent({ status: null, errorKind: 'refused' }),
      POLICY,
      clock,
    );
    expect(d.nextDelayMs).toBe(5_000);
  });

  it('a redirect is a failure, never followed, retried on the schedule', () => {
    const d = decide(
      pending(0),
      false,
      sent({ status: 302, errorKind: 'redirect' }),
      POLICY,
      clock,
    );
    expect(d).toMatchObject({ verdict: 'retry', status: 'PENDING', nextDelayMs: 5_000 });
  });

  it('says failing once, at the threshold, and recovered on the success after it', () => {
    expect(decide(pending(0), false, sent({ status: 500 }), POLICY, clock).operational).toBeNull();
    expect(decide(pending(1), false, sent({ status: 500 }), POLICY, clock).operational).toBe(
      'message.attempt.failing',
    );
    expect(decide(pending(2), false, sent({ status: 200 }), POLICY, clock).operational).toBe(
      'message.attempt.recovered',
    );
    expect(decide(pending(1), false, sent({ status: 200 }), POLICY, clock).operational).toBeNull();
  });
});

describe('decide: manual sends', () => {
  it('a failed manual send of a pending delivery keeps its state and its scheduled retry', () => {
    const at = new Date(NOW + 30_000);
    const d = decide(pending(1, at), true, sent({ status: 500 }), POLICY, clock);
    expect(d).toMatchObject({
      status: 'PENDING',
      attemptCount: 1,
      nextDelayMs: 30_000,
      operational: null,
    });
  });

  it('a failed manual send of a finished delivery leaves it as it was', () => {
    const d = decide(
      { status: 'EXHAUSTED', attemptCount: 3, nextAttemptAt: null },
      true,
      sent({ status: 500 }),
      POLICY,
      clock,
    );
    expect(d).toMatchObject({ status: 'EXHAUSTED', attemptCount: 3, nextDelayMs: null });
    // The metric says where the delivery stands; a succeeded one stays succeeded, "unchanged".
    const resent = decide(
      { status: 'SUCCEEDED', attemptCount: 1, nextAttemptAt: null },
      true,
      sent({ status: 500 }),
      POLICY,
      clock,
    );
    expect(resent).toMatchObject({ status: 'SUCCEEDED', outcome: 'unchanged' });
  });

  it('a successful manual send succeeds without counting against the schedule', () => {
    const d = decide(
      { status: 'FAILED', attemptCount: 3, nextAttemptAt: null },
      true,
      sent({ status: 200 }),
      POLICY,
      clock,
    );
    expect(d).toMatchObject({ status: 'SUCCEEDED', attemptCount: 3 });
  });

  it('410 on a manual send of a finished delivery keeps its state, but still disables', () => {
    const d = decide(
      { status: 'EXHAUSTED', attemptCount: 3, nextAttemptAt: null },
      true,
      sent({ status: 410 }),
      POLICY,
      clock,
    );
    expect(d).toMatchObject({ status: 'EXHAUSTED', gone: true });
  });
});

describe('toOutcome', () => {
  it('maps SSRF refusals and unknown errors to "other", and keeps the status of a redirect', () => {
    expect(toOutcome(sent({ status: null, errorKind: 'ssrf' }), NOW)).toEqual({
      kind: 'network',
      error: 'other',
    });
    expect(toOutcome(sent({ status: 301, errorKind: 'redirect' }), NOW)).toEqual({
      kind: 'http',
      status: 301,
    });
  });
});
