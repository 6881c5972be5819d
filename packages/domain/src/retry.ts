/**
 * The retry policy is data; `nextDelay` is the one pure function that reads it. The worker asks it
 * after every failed attempt and sleeps on a durable timer for the answer.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Entry i is the delay before attempt i + 1: the first attempt goes out immediately, the eighth
 * about 27.5 hours after the first. The length is the maximum number of attempts.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

export interface RetryPolicy {
  readonly schedule: readonly number[];
  /** Fraction of each delay to spread either way (0.2 = ±20 %), so failed bursts do not retry in lockstep. */
  readonly jitter: number;
  /** Floor after a 429 or a timeout: the receiver is overloaded, and a quick retry adds to it. */
  readonly minDelayAfterThrottleMs: number;
  /** Cap on an honoured Retry-After, so a receiver cannot park a delivery for weeks. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  schedule: DEFAULT_RETRY_SCHEDULE_MS,
  jitter: 0.2,
  minDelayAfterThrottleMs: 60 * SECOND,
  maxRetryAfterMs: 24 * HOUR,
});

export type NetworkErrorKind = 'timeout' | 'refused' | 'reset' | 'dns' | 'tls' | 'other';

export type AttemptOutcome =
  | { kind: 'success' }
  | { kind: 'http'; status: number; retryAfterMs?: number | null }
  | { kind: 'network'; error: NetworkErrorKind };

/** 'gone' (HTTP 410) means the receiver asked us to stop: disable the endpoint, do not retry. */
export type OutcomeClass = 'success' | 'retry' | 'gone';

export function classifyOutcome(outcome: AttemptOutcome): OutcomeClass {
  if (outcome.kind === 'success') return 'success';
  if (outcome.kind === 'network') return 'retry';
  if (outcome.status >= 200 && outcome.status <= 299) return 'success';
  if (outcome.status === 410) return 'gone';
  // Redirects included: we never follow them (the target would dodge the SSRF check), so to us a
  // 3xx is a receiver that has not accepted the message.
  return 'retry';
}

export function maxAttempts(policy: RetryPolicy): number {
  return policy.schedule.length;
}

/**
 * Milliseconds to wait before the next attempt, or null when there is none: the outcome is final
 * (success, 410) or the schedule is exhausted.
 *
 * @param attemptsMade attempts made so far, including the one that produced `outcome` (≥ 1)
 * @param random a source in [0, 1); pass Math.random, or Temporal's replay-safe one in workflows
 */
export function nextDelay(
  attemptsMade: number,
  outcome: AttemptOutcome,
  policy: RetryPolicy,
  random: () => number,
): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer ≥ 1, got ${attemptsMade}`);
  }
  if (classifyOutcome(outcome) !== 'retry') return null;
  const scheduled = policy.schedule[attemptsMade];
  if (scheduled === undefined) return null;

  const retryAfterMs = outcome.kind === 'http' ? outcome.retryAfterMs : null;
  let delay: number;
  if (
    retryAfterMs !== undefined &&
    retryAfterMs !== null &&
    Number.isFinite(retryAfterMs) &&
    retryAfterMs >= 0
  ) {
    // A hint can slow us down but not speed us up; the cap yields to the schedule if they cross.
    delay = Math.min(
      Math.max(retryAfterMs, scheduled),
      Math.max(policy.maxRetryAfterMs, scheduled),
    );
  } else {
    delay = withJitter(scheduled, policy.jitter, random);
  }
  if (isThrottled(outcome)) delay = Math.max(delay, policy.minDelayAfterThrottleMs);
  return Math.round(delay);
}

function isThrottled(outcome: AttemptOutcome): boolean {
  return (
    (outcome.kind === 'http' && outcome.status === 429) ||
    (outcome.kind === 'network' && outcome.error === 'timeout')
  );
}

function withJitter(delayMs: number, jitter: number, random: () => number): number {
  const spread = Math.min(Math.max(jitter, 0), 1);
  const draw = random();
  // A source outside [0, 1) is a bug elsewhere; clamping keeps the ±jitter promise regardless.
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0.5;
  return delayMs * (1 + spread * (2 * unit - 1));
}

const DELTA_SECONDS = /^[0-9]+$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The three HTTP-date forms of RFC 9110 §5.6.7; all are UTC.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC_850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * A `Retry-After` header as milliseconds from `nowMs`: delta-seconds or an HTTP-date. A date in
 * the past gives 0; anything unparseable gives null (ignore the hint). Parsed by hand rather than
 * with Date.parse, which reads asctime dates as local time.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (DELTA_SECONDS.test(value)) return Math.min(Number(value) * SECOND, Number.MAX_SAFE_INTEGER);
  const dateMs = parseHttpDate(value, nowMs);
  return dateMs === null ? null : Math.max(0, dateMs - nowMs);
}

export function parseHttpDate(value: string, nowMs: number): number | null {
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC_850.exec(value);
  if (match)
    return utc(
      fullYearOf(Number(match[3]), nowMs),
      match[2],
      match[1],
      match[4],
      match[5],
      match[6],
    );
  match = ASCTIME.exec(value);
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  return null;
}

/** RFC 9110: a two-digit year more than 50 years in the future means the previous century. */
function fullYearOf(twoDigitYear: number, nowMs: number): string {
  const currentYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(currentYear / 100) * 100 + twoDigitYear;
  if (year > currentYear + 50) year -= 100;
  return String(year);
}

function utc(
  year: string | undefined,
  monthName: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | null {
  const month = MONTHS.indexOf(monthName ?? '');
  const parts = [year, day, hour, minute, second].map((part) => Number((part ?? '').trim()));
  const [y, d, h, m, s] = parts as [number, number, number, number, number];
  if (month < 0 || parts.some((part) => !Number.isInteger(part))) return null;
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return null;
  const ms = Date.UTC(y, month, d, h, m, Math.min(s, 59));
  // Rejects days past the end of the month, which Date.UTC would roll over into the next one.
  return new Date(ms).getUTCDate() === d ? ms : null;
}
