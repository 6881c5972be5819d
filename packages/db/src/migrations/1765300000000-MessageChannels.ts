import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * An index table of message channels, written by the publish statement. Filtering messages by a
 * channel used `channel = ANY(messages.channels)`: under row-level security PostgreSQL will not
 * use the GIN index on the array (its operators are not leakproof), so a rare channel meant
 * scanning the application's messages (1–4 s at 10M rows in bench:queries). A B-tree on
 * (tenant, application, channel, message) answers it from the index.
 */
export class MessageChannels1765300000000 implements MigrationInterface {
  name = 'MessageChannels1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_channels (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL,
        channel text NOT NULL,
        message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        PRIMARY KEY (tenant_id, application_id, channel, message_id)
      );
      CREATE INDEX message_channels_message_idx ON message_channels (message_id);
      ALTER TABLE message_channels ENABLE ROW LEVEL SECURITY;
      CREATE POLICY message_channels_tenant_isolation ON message_channels
        USING (tenant_id = current_setting('herald.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('herald.tenant_id', true));
      GRANT SELECT, INSERT, DELETE ON message_channels TO ${APP_ROLE};
      INSERT INTO message_channels (tenant_id, application_id, channel, message_id)
      SELECT DISTINCT m.tenant_id, m.application_id, c.channel, m.id
        FROM messages m, unnest(m.channels) AS c(channel)
       WHERE m.channels IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE message_channels`);
  }
}
