import { RetentionRepository, RetentionSystemRepository, type Database } from '@herald/db';

export interface ExpirePayloadsOptions {
  batchSize: number;
  /** Stop starting new batches after this long; the rest waits for the next run. */
  budgetMs: number;
  /** Called between batches (the activity heartbeats). */
  onProgress?: (expunged: number) => void;
  now?: () => Date;
}

export interface ExpirePayloadsResult {
  tenants: number;
  expunged: number;
  /** The budget ran out before every tenant was done. */
  more: boolean;
}

/**
 * Expunges every payload older than its tenant's retention (`tenants.payload_retention_days`),
 * oldest first, a batch per statement and transaction, so a run can stop at any point and the
 * next one continues. Attempts and message rows are kept.
 */
export async function expirePayloads(
  db: Database,
  options: ExpirePayloadsOptions,
): Promise<ExpirePayloadsResult> {
  const now = options.now ?? (() => new Date());
  const started = now().getTime();
  const tenants = await db.withSystem((m) => new RetentionSystemRepository(m).tenantRetention());
  let expunged = 0;
  for (const tenant of tenants) {
    const cutoff = new Date(now().getTime() - tenant.days * 86_400_000);
    for (;;) {
      if (now().getTime() - started > options.budgetMs) {
        return { tenants: tenants.length, expunged, more: true };
      }
      const n = await db.withTenantSql(tenant.tenantId, (tx) =>
        new RetentionRepository(tx).expungeBefore(cutoff, options.batchSize),
      );
      expunged += n;
      options.onProgress?.(expunged);
      if (n < options.batchSize) break;
    }
  }
  return { tenants: tenants.length, expunged, more: false };
}
