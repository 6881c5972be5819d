import type { EnvReader } from './env';

export const PLAN_IDS = ['free', 'pro', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** What each plan allows; Stripe prices live with the billing service's configuration. */
export interface PlanLimits {
  /** Messages a Free tenant may send per calendar month (UTC); a hard cap. */
  freeMonthlyMessages: number;
}

export function readPlanLimits(r: EnvReader): PlanLimits {
  return { freeMonthlyMessages: r.int('HERALD_FREE_MONTHLY_MESSAGES', 10_000, { min: 0 }) };
}

/** The monthly message cap of a plan; null means uncapped (billed by usage or by contract). */
export function monthlyMessageQuota(plan: PlanId, limits: PlanLimits): number | null {
  return plan === 'free' ? limits.freeMonthlyMessages : null;
}
