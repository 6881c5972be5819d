import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * Plans and metering. Usage is counted per tenant, hour and shard: each publish adds to one of
 * 16 rows chosen at random, in the same statement that stores the messages, so concurrent
 * publishes of one tenant rarely wait on each other's row lock and the count is exact (it
 * commits or rolls back with the messages).
 */
export class PlansAndUsage1764600000000 implements MigrationInterface {
  name = 'PlansAndUsage1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants
        ADD COLUMN plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise'));

      CREATE TABLE usage_counters (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        shard smallint NOT NULL,
        messages bigint NOT NULL DEFAULT 0,
        attempts bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, hour, shard)
      );
      ALTER TABLE usage_counters ENABLE ROW LEVEL SECURITY;
      CREATE POLICY usage_counters_tenant_isolation ON usage_counters
        USING (tenant_id = current_setting('herald.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('herald.tenant_id', true));
      GRANT SELECT, INSERT, UPDATE ON usage_counters TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_counters; ALTER TABLE tenants DROP COLUMN plan;`);
  }
}
