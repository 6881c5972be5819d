import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/** Tables that carry tenant_id and are guarded by row-level security. */
export const TENANT_TABLES = [
  'members',
  'api_keys',
  'applications',
  'event_types',
  'endpoints',
  'endpoint_secrets',
  'messages',
  'idempotency_keys',
  'deliveries',
  'attempts',
] as const;

export class Initial1764200000000 implements MigrationInterface {
  name = 'Initial1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The role is cluster-wide, so two databases migrating at once may race to create it.
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE ${APP_ROLE} NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
    `);
    // A non-superuser owner must be a member to SET ROLE; a superuser already may.
    await q.query(`
      DO $$ BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
        END IF;
      END $$;
    `);

    await q.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL,
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));

      CREATE TABLE members (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'viewer')),
        invite_token_hash text UNIQUE,
        accepted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, user_id)
      );
      CREATE INDEX members_user_idx ON members (user_id);

      CREATE TABLE sessions (
        id text PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'developer', 'viewer')),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, id);

      CREATE TABLE applications (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        uid text,
        name text NOT NULL,
        rate_limit_per_second integer,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, uid)
      );
      CREATE INDEX applications_tenant_idx ON applications (tenant_id, id);

      CREATE TABLE event_types (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        schema jsonb,
        example jsonb,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      );

      CREATE TABLE endpoints (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        event_types text[],
        channels text[],
        payload_filter jsonb,
        headers jsonb NOT NULL DEFAULT '{}',
        rate_limit_per_second integer,
        fifo boolean NOT NULL DEFAULT false,
        disabled_at timestamptz,
        disabled_reason text,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX endpoints_app_idx ON endpoints (tenant_id, application_id, id) WHERE deleted_at IS NULL;

      CREATE TABLE endpoint_secrets (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      );
      CREATE INDEX endpoint_secrets_endpoint_idx ON endpoint_secrets (endpoint_id, created_at DESC);

      CREATE TABLE messages (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        event_type text NOT NULL,
        event_id text,
        payload jsonb NOT NULL,
        channels text[],
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX messages_app_idx ON messages (tenant_id, application_id, id DESC);
      CREATE INDEX messages_app_event_type_idx ON messages (tenant_id, application_id, event_type, id DESC);
      CREATE INDEX messages_channels_idx ON messages USING gin (channels) WHERE channels IS NOT NULL;

      CREATE TABLE idempotency_keys (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        key text NOT NULL,
        message_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, application_id, key)
      );

      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'EXHAUSTED', 'CANCELLED')),
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX deliveries_message_idx ON deliveries (message_id);
      CREATE INDEX deliveries_endpoint_idx ON deliveries (tenant_id, endpoint_id, id DESC);
      CREATE INDEX deliveries_pending_idx ON deliveries (next_attempt_at) WHERE status = 'PENDING';

      CREATE TABLE attempts (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        delivery_id text NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
        trigger text NOT NULL CHECK (trigger IN ('SCHEDULED', 'MANUAL')),
        http_status integer,
        error_kind text,
        duration_ms integer NOT NULL,
        response_excerpt text,
        request_headers jsonb,
        attempted_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX attempts_message_idx ON attempts (message_id, id);
      CREATE INDEX attempts_endpoint_idx ON attempts (tenant_id, endpoint_id, id DESC);
    `);

    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = current_setting('herald.tenant_id', true))
          WITH CHECK (tenant_id = current_setting('herald.tenant_id', true))
      `);
    }
    await q.query(`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenants_self ON tenants
        USING (id = current_setting('herald.tenant_id', true))
        WITH CHECK (id = current_setting('herald.tenant_id', true))
    `);
    // Users are read by the tenant's member listing; they carry no tenant id of their own.
    await q.query(`GRANT SELECT ON users TO ${APP_ROLE}`);
    await q.query(`GRANT INSERT, UPDATE ON users TO ${APP_ROLE}`);
    await q.query(`GRANT SELECT, UPDATE ON tenants TO ${APP_ROLE}`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${TENANT_TABLES.join(', ')} TO ${APP_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS attempts, deliveries, idempotency_keys, messages, endpoint_secrets,
        endpoints, event_types, applications, api_keys, sessions, members, users, tenants CASCADE
    `);
  }
}
