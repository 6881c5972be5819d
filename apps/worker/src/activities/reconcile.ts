import { LaneSystemRepository, type Database } from '@herald/db';
import type { Dispatcher } from '@herald/temporal';

/**
 * Wakes the lanes of endpoints that have PENDING deliveries long past due. That covers a crash
 * between the API's commit and its signal, Temporal being down during a publish, and a lane that
 * ended while work remained. Waking a running lane is harmless.
 */
export async function reconcile(
  db: Database,
  dispatcher: Dispatcher,
  options: { olderThanMs: number; limit: number },
): Promise<number> {
  const rows = await db.withSystem((m) =>
    new LaneSystemRepository(m).overdue(options.olderThanMs, options.limit),
  );
  for (const row of rows) dispatcher.wake(row.tenantId, row.endpointId);
  await dispatcher.flush();
  return rows.length;
}
