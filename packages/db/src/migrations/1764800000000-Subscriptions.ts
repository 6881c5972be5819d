import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/**
 * Subscription state that Stripe's webhooks maintain, and the invoices shown to tenants.
 *
 * - tenants.plan_source: who set `plan` — 'default' (sign-up), 'stripe' (webhooks) or 'operator'
 *   (setTenantPlan). Webhooks never overwrite an operator's choice.
 * - tenants.grace_until: set by the first failed payment of a period, cleared by a paid invoice
 *   or a healthy subscription. Past it, a Stripe-managed paid plan gets Free limits.
 * - billing_invoices: system data, like the other billing tables (no grant to the app role).
 *   `status` only moves towards 'paid', so a late payment_failed cannot undo a payment.
 */
export class Subscriptions1764800000000 implements MigrationInterface {
  name = 'Subscriptions1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants
        ADD COLUMN plan_source text NOT NULL DEFAULT 'default'
          CHECK (plan_source IN ('default', 'stripe', 'operator')),
        ADD COLUMN stripe_subscription_id text,
        ADD COLUMN subscription_status text,
        ADD COLUMN current_period_end timestamptz,
        ADD COLUMN cancel_at_period_end boolean NOT NULL DEFAULT false,
        ADD COLUMN grace_until timestamptz;

      CREATE TABLE billing_invoices (
        invoice_id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        subscription_id text,
        status text NOT NULL CHECK (status IN ('paid', 'payment_failed')),
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        period_start timestamptz,
        period_end timestamptz,
        attempt_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX billing_invoices_tenant ON billing_invoices (tenant_id, created_at DESC);
      REVOKE ALL ON billing_invoices FROM ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE billing_invoices;
      ALTER TABLE tenants
        DROP COLUMN plan_source, DROP COLUMN stripe_subscription_id,
        DROP COLUMN subscription_status, DROP COLUMN current_period_end,
        DROP COLUMN cancel_at_period_end, DROP COLUMN grace_until;
    `);
  }
}
