import type { Database } from '@herald/db';
import type { Logger } from '@herald/observability';
import type { BillingService } from './billing-service';
import type { UsageWatermarkStore } from './pg-store';

const HOUR_MS = 3_600_000;

export interface ReportPendingUsageDeps {
  db: Database;
  store: UsageWatermarkStore;
  service: Pick<BillingService, 'reportUsage'>;
  /** The clock; the current (open) hour is never reported. Defaults to the wall clock. */
  now?: Date;
  logger?: Logger;
}

export interface UsageReportSummary {
  /** Pro tenants looked at. */
  tenants: number;
  /** Meter events Stripe accepted in this run. */
  windowsSent: number;
  /** Messages in those meter events. */
  messagesReported: number;
  /** Tenants whose reporting stopped on an error; their watermark stays before the failed hour. */
  failures: { tenantId: string; error: string }[];
}

/** Start of the hour containing `date` (UTC; hours are the same in every whole-hour zone). */
export function startOfHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * Where reporting starts for a tenant that has no watermark yet: the start of the current UTC
 * month, or the start of the hour the tenant was created in if that is later. Earlier usage is
 * never billed: a tenant seen for the first time is billed from this month on.
 */
export function initialWatermark(now: Date, tenantCreatedAt: Date): Date {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const created = startOfHour(tenantCreatedAt);
  return created > monthStart ? created : monthStart;
}

/**
 * Reports every closed hour of every Pro tenant since its watermark, one meter event per hour
 * with usage, oldest first. The watermark moves past an hour only after Stripe accepted its
 * event (hours without usage are skipped and moved past), so a crash or an error resends at
 * most the failed hour, with the same identifier, which Stripe counts once. A failing tenant
 * stops at that hour; the others go on. Only closed hours (end ≤ now) are ever reported:
 * Stripe drops a second event with the same identifier, so late counts would be lost.
 *
 * Not configured mode (no Stripe key): nothing is accepted, so no watermark moves.
 */
export async function reportPendingUsage(
  deps: ReportPendingUsageDeps,
): Promise<UsageReportSummary> {
  const { db, store, service, logger } = deps;
  const now = deps.now ?? new Date();
  const closedUntil = startOfHour(now);
  const tenants = await db.withSystem(
    (m) =>
      m.query(`SELECT id, name, created_at FROM tenants WHERE plan = 'pro' ORDER BY id`) as Promise<
        { id: string; name: string; created_at: Date }[]
      >,
  );
  const summary: UsageReportSummary = {
    tenants: tenants.length,
    windowsSent: 0,
    messagesReported: 0,
    failures: [],
  };

  for (const tenant of tenants) {
    const billingTenant = { id: tenant.id, name: tenant.name };
    const watermark =
      (await store.getReportedUntil(tenant.id)) ??
      initialWatermark(now, new Date(tenant.created_at));
    if (watermark >= closedUntil) continue;
    try {
      const windows = await store.closedUsageWindows(tenant.id, watermark, closedUntil);
      let configured = true;
      for (const window of windows) {
        if (window.messages <= 0) continue;
        const report = await service.reportUsage(billingTenant, window);
        if (report.status === 'skipped' && report.reason === 'not_configured') {
          configured = false;
          break;
        }
        if (report.status === 'sent') {
          summary.windowsSent += 1;
          summary.messagesReported += report.value;
        }
        await store.advanceReportedUntil(tenant.id, window.to);
      }
      // Every closed hour is accounted for: move past the trailing hours without usage too.
      if (configured) await store.advanceReportedUntil(tenant.id, closedUntil);
    } catch (err) {
      const error = (err as Error).message;
      summary.failures.push({ tenantId: tenant.id, error });
      logger?.error('usage reporting failed; will resume from the watermark', {
        tenantId: tenant.id,
        error,
      });
    }
  }
  return summary;
}
