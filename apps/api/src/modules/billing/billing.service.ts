import { monthlyMessageQuota, type PlanId, type PlanLimits } from '@herald/config';
import { SystemRepository, type Database } from '@herald/db';
import { NotFoundError, ValidationError } from '@herald/domain';
import { validateIdArg } from '../common/validate';
import type { Billing } from './billing.type';

export class BillingService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlanLimits,
  ) {}

  /** This calendar month's (UTC) plan, usage by day and quota. */
  async summary(tenantId: string): Promise<Billing> {
    const now = new Date();
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    return this.db.withTenant(tenantId, async (tx) => {
      const [tenant] = await tx.query<{ plan: PlanId }>(`SELECT plan FROM tenants WHERE id = $1`, [
        tenantId,
      ]);
      if (!tenant) throw new NotFoundError('Tenant not found');
      const daily = await tx.query<{ day: string; messages: string; attempts: string }>(
        `SELECT to_char(date_trunc('day', hour AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                sum(messages) AS messages, sum(attempts) AS attempts
           FROM usage_counters WHERE tenant_id = $1 AND hour >= $2 AND hour < $3
          GROUP BY 1 ORDER BY 1`,
        [tenantId, periodStart, periodEnd],
      );
      const rows = daily.map((d) => ({
        day: d.day,
        messages: Number(d.messages),
        attempts: Number(d.attempts),
      }));
      return {
        plan: tenant.plan,
        configured: false,
        periodStart,
        periodEnd,
        messages: rows.reduce((n, d) => n + d.messages, 0),
        attempts: rows.reduce((n, d) => n + d.attempts, 0),
        quota: monthlyMessageQuota(tenant.plan, this.plans),
        daily: rows,
      };
    });
  }

  /** Operator override of a tenant's plan (support, contracts, tests). */
  async setPlan(tenantId: string, plan: PlanId): Promise<PlanId> {
    validateIdArg('tenantId', tenantId, 'tnt');
    if (!['free', 'pro', 'enterprise'].includes(plan))
      throw new ValidationError('Unknown plan', { field: 'plan' });
    await this.db.withSystem(async (m) => {
      if (!(await new SystemRepository(m).findTenant(tenantId)))
        throw new NotFoundError(`Tenant ${tenantId} not found`);
      await m.query(`UPDATE tenants SET plan = $2, updated_at = now() WHERE id = $1`, [
        tenantId,
        plan,
      ]);
    });
    return plan;
  }
}
