import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operational webhooks (endpoint.disabled, message.attempt.*) are ordinary messages in a
 * per-tenant application of kind 'operational', so they get signing, retries and logs for free.
 */
export class OperationalApplications1764300000000 implements MigrationInterface {
  name = 'OperationalApplications1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE applications
        ADD COLUMN kind text NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'operational'));
      CREATE UNIQUE INDEX applications_one_operational ON applications (tenant_id) WHERE kind = 'operational';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP INDEX applications_one_operational; ALTER TABLE applications DROP COLUMN kind;`,
    );
  }
}
