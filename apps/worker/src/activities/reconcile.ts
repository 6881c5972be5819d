import type { Database } from '@herald/db';
import type { DispatchItem } from '@herald/temporal';

export interface Dispatch {
  dispatch(tenantId: string, items: DispatchItem[]): void;
  flush(): Promise<void>;
}

/**
 * Re-hands PENDING deliveries whose due time passed long ago to their lanes. That covers a
 * crash between the API's commit and its signal, and a lane that ended while holding work.
 * Lanes drop ids they already hold, so re-sending is harmless.
 */
export async function reconcile(
  db: Database,
  dispatcher: Dispatch,
  options: { olderThanMs: number; limit: number },
): Promise<number> {
  const rows = await db.withSystem((m) =>
    m.query(
      `SELECT id, tenant_id, endpoint_id, message_id FROM deliveries
        WHERE status = 'PENDING' AND next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY next_attempt_at LIMIT $2`,
      [options.olderThanMs, options.limit],
    ),
  ) as { id: string; tenant_id: string; endpoint_id: string; message_id: string }[];
  const byTenant = new Map<string, DispatchItem[]>();
  for (const row of rows) {
    const items = byTenant.get(row.tenant_id) ?? [];
    items.push({ deliveryId: row.id, messageId: row.message_id, endpointId: row.endpoint_id });
    byTenant.set(row.tenant_id, items);
  }
  for (const [tenantId, items] of byTenant) dispatcher.dispatch(tenantId, items);
  await dispatcher.flush();
  return rows.length;
}
