import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * E-mail ownership and shared identity throttles.
 *
 * `users.email_verified_at` is set when someone proves they read the address: the link of the
 * verification mail sent at sign-up, or an invitation link (mailed to the address, never shown to
 * the inviter). Until then the account is a claim, and an invitation to that address does not
 * trust it (TenantService.acceptInvitation). Only hashes of verification tokens are stored.
 * Existing users start unverified: nothing proved their addresses before.
 *
 * `identity_throttles` is rate-limiter-flexible's PostgreSQL table (key, points, expire), created
 * here rather than by the library so the app role never gets DDL rights. Keys are hashes of the
 * throttled e-mail or address, not the values themselves. Every API process shares it.
 */
export class EmailOwnership1765400000000 implements MigrationInterface {
  name = 'EmailOwnership1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN email_verified_at timestamptz,
        ADD COLUMN email_verification_hash text UNIQUE,
        ADD COLUMN email_verification_expires_at timestamptz;
      GRANT SELECT (email_verified_at) ON users TO ${APP_ROLE};

      CREATE TABLE identity_throttles (
        key text PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      );
      CREATE INDEX identity_throttles_expire ON identity_throttles (expire);
      REVOKE ALL ON identity_throttles FROM ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE identity_throttles;
      REVOKE SELECT (email_verified_at) ON users FROM ${APP_ROLE};
      ALTER TABLE users
        DROP COLUMN email_verified_at,
        DROP COLUMN email_verification_hash,
        DROP COLUMN email_verification_expires_at;
    `);
  }
}
