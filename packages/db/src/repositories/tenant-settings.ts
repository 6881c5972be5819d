import type { TenantTx } from '../database';

/** Settings a tenant keeps on its own row, under row-level security. */
export class TenantSettingsRepository {
  constructor(private readonly tx: TenantTx) {}

  /** Days payloads are kept; null when the tenant does not exist. */
  async payloadRetentionDays(): Promise<number | null> {
    const [row] = await this.tx.query<{ days: number }>(
      `SELECT payload_retention_days AS days FROM tenants WHERE id = $1`,
      [this.tx.tenantId],
    );
    return row ? row.days : null;
  }

  async setPayloadRetentionDays(days: number): Promise<void> {
    await this.tx.query(
      `UPDATE tenants SET payload_retention_days = $2, updated_at = now() WHERE id = $1`,
      [this.tx.tenantId, days],
    );
  }
}
