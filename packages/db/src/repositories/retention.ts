import type { EntityManager } from 'typeorm';
import type { SqlTx } from '../database';

/**
 * Payload expunging. The payload goes, the message row, its deliveries and attempts stay; a
 * pending delivery of the message is cancelled in the same statement, since it could no longer
 * be sent. Works on any tenant-scoped transaction.
 */
export class RetentionRepository {
  constructor(private readonly tx: SqlTx) {}

  /** Expunges one message's payload now; false if the message does not exist. Idempotent. */
  async expungeMessage(messageId: string): Promise<boolean> {
    const rows = await this.tx.query<{ id: string }>(
      `WITH m AS (
         UPDATE messages SET payload = NULL, payload_expunged_at = coalesce(payload_expunged_at, now())
          WHERE tenant_id = $1 AND id = $2
          RETURNING id
       ), cancelled AS (
         UPDATE deliveries SET status = 'CANCELLED', next_attempt_at = NULL, updated_at = now()
          WHERE tenant_id = $1 AND message_id IN (SELECT id FROM m) AND status = 'PENDING'
       )
       SELECT id FROM m`,
      [this.tx.tenantId, messageId],
    );
    return rows.length === 1;
  }

  /**
   * Expunges up to `limit` of the tenant's oldest payloads created before `cutoff`; returns how
   * many. Reads them from the partial retention index, oldest first.
   */
  async expungeBefore(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.tx.query<{ n: number }>(
      `WITH old AS (
         SELECT id FROM messages
          WHERE tenant_id = $1 AND payload IS NOT NULL AND created_at < $2
          ORDER BY created_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED
       ), m AS (
         UPDATE messages SET payload = NULL, payload_expunged_at = now()
          WHERE tenant_id = $1 AND id IN (SELECT id FROM old)
          RETURNING id
       ), cancelled AS (
         UPDATE deliveries SET status = 'CANCELLED', next_attempt_at = NULL, updated_at = now()
          WHERE tenant_id = $1 AND message_id IN (SELECT id FROM m) AND status = 'PENDING'
       )
       SELECT count(*)::int AS n FROM m`,
      [this.tx.tenantId, cutoff, limit],
    );
    return rows[0]?.n ?? 0;
  }
}

/** Retention across tenants, for the expiry job (outside tenant scope). */
export class RetentionSystemRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Every tenant with the days its payloads are kept, in id order. */
  async tenantRetention(): Promise<{ tenantId: string; days: number }[]> {
    const rows = (await this.manager.query(
      `SELECT id, payload_retention_days AS days FROM tenants ORDER BY id`,
    )) as { id: string; days: number }[];
    return rows.map((r) => ({ tenantId: r.id, days: r.days }));
  }
}
