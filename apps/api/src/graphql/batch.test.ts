import { describe, expect, it } from 'vitest';
import { Batcher } from './batch';

describe('Batcher', () => {
  it('loads every key asked for in one pass with one call, once per distinct key', async () => {
    const calls: string[][] = [];
    const batcher = new Batcher<string, number>(async (keys) => {
      calls.push(keys);
      return new Map(keys.map((k) => [k, k.length]));
    });
    const values = await Promise.all(['a', 'bb', 'a', 'ccc'].map((k) => batcher.load(k)));
    expect(values).toEqual([1, 2, 1, 3]);
    expect(calls).toEqual([['a', 'bb', 'ccc']]);
    // A later pass is a new batch.
    expect(await batcher.load('dddd')).toBe(4);
    expect(calls).toHaveLength(2);
  });

  it('rejects every waiter when the load fails, and a key the load did not return', async () => {
    const failing = new Batcher<string, number>(async () => {
      throw new Error('database down');
    });
    const results = await Promise.allSettled([failing.load('a'), failing.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    const partial = new Batcher<string, number>(async () => new Map([['a', 1]]));
    await expect(partial.load('b')).rejects.toThrow(/no value for b/);
  });
});
