import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * Users carry no tenant id, so the tenant-scoped role must not see all of them: it sees the users
 * who are members of the current tenant, never their password hashes, and cannot write users at
 * all (sign-up, invitations and password changes run outside tenant scope).
 */
export class RestrictUsers1764500000000 implements MigrationInterface {
  name = 'RestrictUsers1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE ALL ON users FROM ${APP_ROLE};
      GRANT SELECT (id, email, created_at) ON users TO ${APP_ROLE};
      ALTER TABLE users ENABLE ROW LEVEL SECURITY;
      CREATE POLICY users_of_current_tenant ON users
        USING (EXISTS (SELECT 1 FROM members m WHERE m.user_id = users.id));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP POLICY users_of_current_tenant ON users;
      ALTER TABLE users DISABLE ROW LEVEL SECURITY;
      GRANT SELECT, INSERT, UPDATE ON users TO ${APP_ROLE};
    `);
  }
}
