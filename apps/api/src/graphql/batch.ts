/**
 * Collects the keys asked for while GraphQL resolves one level of a result (the field resolvers
 * of a list's items run in the same pass) and loads them with one call: a page of 50 messages
 * with their deliveries costs one query, not 50. One instance per request, so nothing is shared
 * between callers.
 */
export class Batcher<K, V> {
  private pending: Map<K, { resolve(value: V): void; reject(error: unknown): void }[]> | null =
    null;

  constructor(private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        setImmediate(() => void this.flush());
      }
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending!;
    this.pending = null;
    try {
      const values = await this.loadMany([...batch.keys()]);
      for (const [key, waiters] of batch) {
        const value = values.get(key);
        for (const w of waiters) {
          if (value === undefined) w.reject(new Error(`Batcher: no value for ${String(key)}`));
          else w.resolve(value);
        }
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    }
  }
}
