import type { TenantTx } from '../database';
import type { DeliveryEntity } from '../entities';

/** Changes to many deliveries of one endpoint at once, from the API's controls. */
export class DeliveryRepository {
  constructor(private readonly tx: TenantTx) {}

  /**
   * Puts every FAILED or EXHAUSTED delivery of the endpoint created since `since` back to
   * PENDING with a fresh schedule (attempt count 0, due now), except those whose payload was
   * expunged. Returns them.
   */
  async recoverFailed(
    endpointId: string,
    since: Date,
  ): Promise<Pick<DeliveryEntity, 'id' | 'messageId'>[]> {
    const rows = await this.tx.query<{ id: string; message_id: string }>(
      `UPDATE deliveries SET status = 'PENDING', attempt_count = 0, next_attempt_at = now(), updated_at = now()
        WHERE tenant_id = $1 AND endpoint_id = $2 AND status IN ('FAILED', 'EXHAUSTED') AND created_at >= $3
          AND NOT EXISTS (SELECT 1 FROM messages m
                           WHERE m.id = deliveries.message_id AND m.payload_expunged_at IS NOT NULL)
        RETURNING id, message_id`,
      [this.tx.tenantId, endpointId, since],
    );
    return rows.map((r) => ({ id: r.id, messageId: r.message_id }));
  }

  /** Cancels what is still PENDING for the endpoint (it was deleted or disabled by hand). */
  async cancelPending(endpointId: string): Promise<void> {
    await this.tx.query(
      `UPDATE deliveries SET status = 'CANCELLED', next_attempt_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'PENDING'`,
      [this.tx.tenantId, endpointId],
    );
  }
}
