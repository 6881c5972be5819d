import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ERROR_CODES,
  ForbiddenError,
  HeraldError,
  isHeraldError,
  NotFoundError,
  PlanLimitExceededError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from './errors';

describe('error classes', () => {
  const cases: Array<[HeraldError, string, string]> = [
    [new NotFoundError(), 'NOT_FOUND', 'NotFoundError'],
    [new UnauthenticatedError(), 'UNAUTHENTICATED', 'UnauthenticatedError'],
    [new ForbiddenError(), 'FORBIDDEN', 'ForbiddenError'],
    [new ValidationError('bad'), 'BAD_USER_INPUT', 'ValidationError'],
    [new ConflictError(), 'CONFLICT', 'ConflictError'],
    [new RateLimitedError('slow down', { retryAfterMs: 1000 }), 'RATE_LIMITED', 'RateLimitedError'],
    [
      new PlanLimitExceededError('over', { quota: 10, usage: 10, resetAt: null }),
      'PLAN_LIMIT_EXCEEDED',
      'PlanLimitExceededError',
    ],
  ];

  it.each(cases)('%s has a stable code, a name and a working instanceof', (error, code, name) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toBeInstanceOf(Error);
    expect(isHeraldError(error)).toBe(true);
    expect(error.stack).toContain(name);
  });

  it('keeps subclasses apart', () => {
    expect(new NotFoundError()).not.toBeInstanceOf(ForbiddenError);
    expect(isHeraldError(new Error('x'))).toBe(false);
  });

  it('base error defaults to INTERNAL', () => {
    expect(new HeraldError('boom').code).toBe(ERROR_CODES.internal);
    expect(new HeraldError('boom').details).toBeUndefined();
  });

  it('ValidationError carries the field', () => {
    const error = new ValidationError('url is invalid', {
      field: 'input.url',
      details: { hint: 'https' },
    });
    expect(error.field).toBe('input.url');
    expect(error.details).toEqual({ hint: 'https', field: 'input.url' });
    expect(new ValidationError('x').details).toBeUndefined();
  });

  it('RateLimitedError and PlanLimitExceededError expose their numbers, also in details', () => {
    const limited = new RateLimitedError('slow down', { retryAfterMs: 1500 });
    expect(limited.retryAfterMs).toBe(1500);
    expect(limited.details).toEqual({ retryAfterMs: 1500 });

    const resetAt = new Date('2030-01-01T00:00:00Z');
    const plan = new PlanLimitExceededError('quota', {
      quota: 1000,
      usage: 1001,
      resetAt,
      metric: 'messages_per_month',
    });
    expect([plan.quota, plan.usage, plan.resetAt, plan.metric]).toEqual([
      1000,
      1001,
      resetAt,
      'messages_per_month',
    ]);
    expect(plan.details).toEqual({
      quota: 1000,
      usage: 1001,
      resetAt: '2030-01-01T00:00:00.000Z',
      metric: 'messages_per_month',
    });
  });
});
