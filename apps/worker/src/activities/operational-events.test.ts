import { describe, expect, it } from 'vitest';
import { operationalEventFor } from './step/decide';

describe('operationalEventFor', () => {
  const AFTER = 4;
  it('says failing exactly once, at the threshold', () => {
    expect(operationalEventFor('retry', 'PENDING', 2, 3, false, AFTER)).toBeNull();
    expect(operationalEventFor('retry', 'PENDING', 3, 4, false, AFTER)).toBe(
      'message.attempt.failing',
    );
    expect(operationalEventFor('retry', 'PENDING', 4, 5, false, AFTER)).toBeNull();
  });
  it('says exhausted when the schedule runs out', () => {
    expect(operationalEventFor('retry', 'EXHAUSTED', 7, 8, false, AFTER)).toBe(
      'message.attempt.exhausted',
    );
  });
  it('says recovered only after failing was said', () => {
    expect(operationalEventFor('success', 'SUCCEEDED', 1, 2, false, AFTER)).toBeNull();
    expect(operationalEventFor('success', 'SUCCEEDED', 4, 5, false, AFTER)).toBe(
      'message.attempt.recovered',
    );
  });
  it('stays quiet about manual attempts that fail', () => {
    expect(operationalEventFor('retry', 'EXHAUSTED', 3, 4, true, AFTER)).toBeNull();
  });
});
