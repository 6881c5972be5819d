import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * The consumer app portal (magic links). A tenant creates a one-time link for one application;
 * opening it exchanges the link token for a short-lived session limited to that application.
 * Only SHA-256 hashes of tokens are stored. Both tables are reached through
 * `Database.withSystem` with the tenant id taken from the caller's credentials (a link is
 * exchanged before anyone is authenticated), so they are closed to the app role like the other
 * system tables.
 */
export class PortalSessions1764900000000 implements MigrationInterface {
  name = 'PortalSessions1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_links (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        capabilities text[] NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX portal_links_application ON portal_links (application_id);

      CREATE TABLE portal_sessions (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        link_id text REFERENCES portal_links(id) ON DELETE SET NULL,
        token_hash text NOT NULL UNIQUE,
        capabilities text[] NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX portal_sessions_application ON portal_sessions (application_id);

      ALTER TABLE tenants ADD COLUMN portal_branding jsonb NOT NULL DEFAULT '{}'::jsonb;

      REVOKE ALL ON portal_links, portal_sessions FROM ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE portal_sessions;
      DROP TABLE portal_links;
      ALTER TABLE tenants DROP COLUMN portal_branding;
    `);
  }
}
