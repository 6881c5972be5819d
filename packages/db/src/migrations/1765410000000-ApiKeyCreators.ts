import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An API key answers to the person who made it. `created_by_user_id` is that person (for a key
 * made with another key, the person behind that key), `creator_role` the role it was made with
 * (the person's, or the making key's effective role).
 * Authentication caps a key at its creator's current role and refuses it once they are no longer
 * a member; removing a member revokes their keys. Keys without a creator (the operator's
 * provisioning key) keep their own role.
 *
 * Backfill: `created_by` held a user id (session) or a key id (key made by a key); keys made by
 * keys follow the chain to its person. `creator_role` is filled with today's role of that person.
 */
export class ApiKeyCreators1765410000000 implements MigrationInterface {
  name = 'ApiKeyCreators1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys
        ADD COLUMN created_by_user_id text REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN creator_role text;
      CREATE INDEX api_keys_creator ON api_keys (tenant_id, created_by_user_id)
        WHERE created_by_user_id IS NOT NULL;

      WITH RECURSIVE chain(id, origin) AS (
        SELECT id, created_by FROM api_keys
        UNION ALL
        SELECT c.id, k.created_by FROM chain c JOIN api_keys k ON k.id = c.origin
      )
      UPDATE api_keys k SET created_by_user_id = u.id
        FROM chain c JOIN users u ON u.id = c.origin
       WHERE c.id = k.id;
      UPDATE api_keys k SET creator_role = m.role
        FROM members m
       WHERE m.tenant_id = k.tenant_id AND m.user_id = k.created_by_user_id;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX api_keys_creator;
      ALTER TABLE api_keys DROP COLUMN created_by_user_id, DROP COLUMN creator_role;
    `);
  }
}
