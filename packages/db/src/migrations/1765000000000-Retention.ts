import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payload retention. A message's payload is expunged (set to NULL, time recorded) once the
 * tenant's retention has passed, or on demand; the message row, its deliveries and every attempt
 * stay, so logs, counts and statistics survive. A pending delivery of an expunged message can no
 * longer be sent, so the same statement cancels it.
 *
 * The partial index holds only messages that still have a payload, ordered by age per tenant:
 * the expunge job reads the oldest few thousand of a tenant at a time from it, and rows leave the
 * index as they are expunged, so it stays about the size of the retention window.
 */
export class Retention1765000000000 implements MigrationInterface {
  name = 'Retention1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants
        ADD COLUMN payload_retention_days integer NOT NULL DEFAULT 30
          CHECK (payload_retention_days BETWEEN 1 AND 3650);
      ALTER TABLE messages
        ALTER COLUMN payload DROP NOT NULL,
        ADD COLUMN payload_expunged_at timestamptz;
      CREATE INDEX messages_retention_idx ON messages (tenant_id, created_at)
        WHERE payload IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX messages_retention_idx;
      UPDATE messages SET payload = 'null'::jsonb WHERE payload IS NULL;
      ALTER TABLE messages DROP COLUMN payload_expunged_at, ALTER COLUMN payload SET NOT NULL;
      ALTER TABLE tenants DROP COLUMN payload_retention_days;
    `);
  }
}
