import { billingMetrics } from '@herald/observability';
import { reportPendingUsage, startOfHour, type ReportPendingUsageDeps } from '@herald/billing-core';
import type { UsageReportSummary } from '@herald/billing-core';

export type BillingActivityDeps = Omit<ReportPendingUsageDeps, 'now'> & {
  /** The clock (tests); the wall clock by default. */
  now?: () => Date;
};

export interface BillingActivities {
  reportUsage(): Promise<UsageReportSummary>;
}

/**
 * A report that failed for some tenant throws after the others were reported, so Temporal retries
 * it with backoff. That is safe: each tenant resumes from its watermark and resends at most the
 * failed hour, with the same meter-event identifier, which Stripe counts once.
 */
export function createBillingActivities(deps: BillingActivityDeps): BillingActivities {
  return {
    async reportUsage() {
      const now = deps.now?.() ?? new Date();
      const summary = await reportPendingUsage({ ...deps, now });
      const metrics = billingMetrics();
      metrics.usageReport('ok', summary.windowsSent);
      if (summary.failures.length > 0) {
        metrics.usageReport('error', summary.failures.length);
        const first = summary.failures[0]!;
        throw new Error(
          `usage reporting failed for ${summary.failures.length} tenant(s), e.g. ${first.tenantId}: ${first.error}`,
        );
      }
      // Every Pro tenant is now reported up to the current hour: the lag gauge restarts from it.
      metrics.reportedThrough(startOfHour(now));
      return summary;
    },
  };
}
