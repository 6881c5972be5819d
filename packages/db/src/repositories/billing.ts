import type { EntityManager } from 'typeorm';
import type { TenantTx } from '../database';
import type { TenantEntity } from '../entities';
import { EFFECTIVE_PLAN_SQL } from './publish';

type PlanId = TenantEntity['plan'];

/** A tenant's plan and subscription as the billing page shows them. */
export interface BillingAccount {
  name: string;
  plan: PlanId;
  /** The plan in force now (a lapsed subscription falls back after its grace period). */
  effectivePlan: PlanId;
  subscriptionStatus: string | null;
  cancelAtPeriodEnd: boolean;
  graceUntil: Date | null;
}

export interface DailyUsage {
  /** YYYY-MM-DD (UTC). */
  day: string;
  messages: number;
  attempts: number;
}

export interface InvoiceRecord {
  id: string;
  status: string;
  amountCents: number;
  currency: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  createdAt: Date;
}

/** The tenant's own billing view, under row-level security. */
export class BillingAccountRepository {
  constructor(private readonly tx: TenantTx) {}

  async account(): Promise<BillingAccount | null> {
    const [row] = await this.tx.query<{
      name: string;
      plan: PlanId;
      effective_plan: PlanId;
      subscription_status: string | null;
      cancel_at_period_end: boolean;
      grace_until: Date | null;
    }>(
      `SELECT name, plan, ${EFFECTIVE_PLAN_SQL} AS effective_plan, subscription_status,
              cancel_at_period_end, grace_until
         FROM tenants WHERE id = $1`,
      [this.tx.tenantId],
    );
    if (!row) return null;
    return {
      name: row.name,
      plan: row.plan,
      effectivePlan: row.effective_plan,
      subscriptionStatus: row.subscription_status,
      cancelAtPeriodEnd: row.cancel_at_period_end,
      graceUntil: row.grace_until,
    };
  }

  /** Messages and attempts per UTC day in [start, end), from the usage counters. */
  async dailyUsage(start: Date, end: Date): Promise<DailyUsage[]> {
    const rows = await this.tx.query<{ day: string; messages: string; attempts: string }>(
      `SELECT to_char(date_trunc('day', hour AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              sum(messages) AS messages, sum(attempts) AS attempts
         FROM usage_counters WHERE tenant_id = $1 AND hour >= $2 AND hour < $3
        GROUP BY 1 ORDER BY 1`,
      [this.tx.tenantId, start, end],
    );
    return rows.map((d) => ({
      day: d.day,
      messages: Number(d.messages),
      attempts: Number(d.attempts),
    }));
  }
}

/**
 * Billing data outside tenant scope (invoices carry no row-level security; operator plan
 * overrides). The tenant id always comes from the caller's authentication, never from input.
 */
export class BillingSystemRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The operator's override: the plan is set by hand and grace ends. */
  async setOperatorPlan(tenantId: string, plan: PlanId): Promise<void> {
    await this.manager.query(
      `UPDATE tenants SET plan = $2, plan_source = 'operator', grace_until = NULL,
              updated_at = now()
        WHERE id = $1`,
      [tenantId, plan],
    );
  }

  async invoices(tenantId: string, limit: number): Promise<InvoiceRecord[]> {
    const rows = (await this.manager.query(
      `SELECT invoice_id, status, amount_cents::int AS amount_cents, currency, period_start,
              period_end, created_at
         FROM billing_invoices WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [tenantId, limit],
    )) as {
      invoice_id: string;
      status: string;
      amount_cents: number;
      currency: string;
      period_start: Date | null;
      period_end: Date | null;
      created_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.invoice_id,
      status: r.status,
      amountCents: r.amount_cents,
      currency: r.currency,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      createdAt: r.created_at,
    }));
  }

  /** The tenant's name and its first owner's e-mail, for the Stripe customer. */
  async contact(
    tenantId: string,
  ): Promise<{ id: string; name: string; email: string | null } | null> {
    const [row] = (await this.manager.query(
      `SELECT t.id, t.name,
              (SELECT u.email FROM members mb JOIN users u ON u.id = mb.user_id
                WHERE mb.tenant_id = t.id AND mb.role = 'owner' AND mb.accepted_at IS NOT NULL
                ORDER BY mb.created_at LIMIT 1) AS email
         FROM tenants t WHERE t.id = $1`,
      [tenantId],
    )) as { id: string; name: string; email: string | null }[];
    return row ?? null;
  }
}
