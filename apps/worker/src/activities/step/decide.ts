import type { DeliveryStatus, DueDelivery } from '@herald/db';
import {
  classifyOutcome,
  nextDelay,
  parseRetryAfter,
  type AttemptOutcome,
  type OutcomeClass,
  type RetryPolicy,
} from '@herald/domain';
import type { DeliveryOutcome } from '@herald/observability';
import type { SendResult } from '../../http/sender';
import type { OperationalEventType } from '../operational';

/** What the decision needs beyond the retry schedule. */
export interface StepPolicy extends RetryPolicy {
  /** Attempts after which `message.attempt.failing` is sent (once). */
  failingEventAfterAttempts: number;
}

/** Where one attempt leaves its delivery, and what it causes. */
export interface Decision {
  verdict: OutcomeClass;
  status: DeliveryStatus;
  /** Attempts counted on the delivery after this one (manual sends do not count). */
  attemptCount: number;
  /** From now; null = nothing scheduled. */
  nextDelayMs: number | null;
  /** The receiver said 410 Gone: the endpoint is to be disabled. */
  gone: boolean;
  /** The metric label for the attempt. */
  outcome: DeliveryOutcome;
  /** The operational event this attempt causes, if any. */
  operational: OperationalEventType | null;
}

/**
 * Decides what one attempt means, from the delivery as it was loaded, whether it was a manual
 * send, and what the receiver answered. Pure: the time and the jitter are arguments, so every
 * branch is a unit test (decide.test.ts).
 */
export function decide(
  delivery: Pick<DueDelivery, 'status' | 'attemptCount' | 'nextAttemptAt'>,
  manual: boolean,
  sent: SendResult,
  policy: StepPolicy,
  clock: { nowMs: number; random: () => number },
): Decision {
  const outcome = toOutcome(sent, clock.nowMs);
  const verdict = classifyOutcome(outcome);
  const attemptsMade = delivery.attemptCount + 1;
  let status: DeliveryStatus;
  let nextDelayMs: number | null = null;
  if (verdict === 'success') {
    status = 'SUCCEEDED';
  } else if (verdict === 'gone') {
    status = manual && delivery.status !== 'PENDING' ? delivery.status : 'FAILED';
  } else if (manual) {
    // A manual attempt never reschedules; the delivery keeps whatever state it had (a PENDING
    // one keeps its scheduled retry).
    status = delivery.status;
    nextDelayMs =
      delivery.status === 'PENDING' && delivery.nextAttemptAt
        ? delivery.nextAttemptAt.getTime() - clock.nowMs
        : null;
  } else {
    nextDelayMs = nextDelay(attemptsMade, outcome, policy, clock.random);
    status = nextDelayMs === null ? 'EXHAUSTED' : 'PENDING';
  }
  return {
    verdict,
    status,
    attemptCount: manual ? delivery.attemptCount : attemptsMade,
    nextDelayMs,
    gone: verdict === 'gone',
    outcome: deliveryOutcome(verdict, status),
    operational: operationalEventFor(
      verdict,
      status,
      delivery.attemptCount,
      attemptsMade,
      manual,
      policy.failingEventAfterAttempts,
    ),
  };
}

/**
 * Which operational event an attempt causes, if any: `failing` once, when the attempt count
 * reaches the threshold; `exhausted` when the schedule runs out; `recovered` on a success after
 * `failing` was sent.
 */
export function operationalEventFor(
  verdict: OutcomeClass,
  status: string,
  attemptsBefore: number,
  attemptsMade: number,
  manual: boolean,
  failingAfter: number,
): OperationalEventType | null {
  if (verdict === 'success')
    return attemptsBefore >= failingAfter ? 'message.attempt.recovered' : null;
  if (manual) return null;
  if (status === 'EXHAUSTED') return 'message.attempt.exhausted';
  if (attemptsMade === failingAfter) return 'message.attempt.failing';
  return null;
}

/** The metric label for where an attempt left its delivery. */
function deliveryOutcome(verdict: OutcomeClass, status: string): DeliveryOutcome {
  if (verdict === 'success') return 'succeeded';
  if (status === 'PENDING') return 'retrying';
  if (status === 'EXHAUSTED') return 'exhausted';
  // A failed manual retry of a finished delivery leaves it as it was.
  return status === 'FAILED' ? 'failed' : 'unchanged';
}

/** What the sender saw, as the retry policy reads it. */
export function toOutcome(sent: SendResult, nowMs: number): AttemptOutcome {
  if (sent.status !== null && sent.errorKind !== 'redirect') {
    return {
      kind: 'http',
      status: sent.status,
      retryAfterMs: parseRetryAfter(sent.retryAfter, nowMs),
    };
  }
  if (sent.status !== null) return { kind: 'http', status: sent.status };
  const error =
    sent.errorKind === 'ssrf' || sent.errorKind === 'redirect' || !sent.errorKind
      ? 'other'
      : sent.errorKind;
  return { kind: 'network', error };
}
