import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * Billing state (apps/billing's PgBillingStore). These are operator/system tables, read and
 * written only through `Database.withSystem`, never in a tenant transaction: they carry no
 * row-level security policy and are not granted to the app role at all (the REVOKE makes that
 * explicit, so the RLS test's "policy or closed to the app role" rule holds).
 *
 * - billing_customers: tenant ↔ Stripe customer, first link wins (INSERT … ON CONFLICT).
 * - stripe_events: webhook event ids processed once.
 * - subscription_versions: newest applied change per subscription (event created, then rank).
 * - usage_reports: per-tenant watermark; every closed hour before `reported_until` has been
 *   accepted by Stripe.
 */
export class Billing1764700000000 implements MigrationInterface {
  name = 'Billing1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing_customers (
        tenant_id text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        stripe_customer_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE stripe_events (
        event_id text PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE subscription_versions (
        subscription_id text PRIMARY KEY,
        created bigint NOT NULL,
        rank int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE usage_reports (
        tenant_id text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        reported_until timestamptz NOT NULL
      );

      REVOKE ALL ON billing_customers, stripe_events, subscription_versions, usage_reports
        FROM ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE usage_reports;
      DROP TABLE subscription_versions;
      DROP TABLE stripe_events;
      DROP TABLE billing_customers;
    `);
  }
}
