import { rowsOf, type Database } from '@herald/db';
import type { BillingStore, BillingTx, SubscriptionVersion, WebhookEventStore } from './store';

/** One closed hour of a tenant's usage: messages summed over the counter shards. */
export interface HourlyUsage {
  /** Inclusive start of the hour. */
  from: Date;
  /** Exclusive end (from + 1 hour). */
  to: Date;
  messages: number;
}

/** The reporting watermark: every hour before it has been accepted by Stripe. */
export interface UsageWatermarkStore {
  getReportedUntil(tenantId: string): Promise<Date | null>;
  /** Moves the watermark forward to `until`; never backwards. True when it moved. */
  advanceReportedUntil(tenantId: string, until: Date): Promise<boolean>;
  /** Per-hour message totals for hours in [after, before), oldest first, hours with rows only. */
  closedUsageWindows(tenantId: string, after: Date, before: Date): Promise<HourlyUsage[]>;
}

const HOUR_MS = 3_600_000;

/** TypeORM's EntityManager as `withSystem` hands it out (billing does not depend on typeorm). */
type EntityManager = Parameters<Parameters<Database['withSystem']>[0]>[0];

/**
 * BillingStore + WebhookEventStore + reporting watermark over PostgreSQL (migration
 * 1764700000000-Billing). Billing tables are system data: every statement runs through
 * `Database.withSystem`, never under a tenant's row-level security. Each method is one
 * race-safe statement (INSERT … ON CONFLICT), so concurrent processes agree without locks.
 */
export class PgBillingStore implements BillingStore, WebhookEventStore, UsageWatermarkStore {
  constructor(private readonly db: Database) {}

  async getCustomerId(tenantId: string): Promise<string | null> {
    const rows = await this.rows<{ stripe_customer_id: string }>(
      `SELECT stripe_customer_id FROM billing_customers WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.stripe_customer_id ?? null;
  }

  async linkCustomer(tenantId: string, customerId: string): Promise<string> {
    return this.db.withSystem(async (m) => {
      const inserted = await rowsOf<{ stripe_customer_id: string }>(
        m,
        `INSERT INTO billing_customers (tenant_id, stripe_customer_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING
         RETURNING stripe_customer_id`,
        [tenantId, customerId],
      );
      if (inserted[0]) return inserted[0].stripe_customer_id;
      // Lost the race (or already linked): READ COMMITTED gives this statement a fresh snapshot
      // that includes the winner's committed row.
      const existing = await rowsOf<{ stripe_customer_id: string }>(
        m,
        `SELECT stripe_customer_id FROM billing_customers WHERE tenant_id = $1`,
        [tenantId],
      );
      if (!existing[0]) {
        throw new Error(`Stripe customer ${customerId} is already linked to another tenant`);
      }
      return existing[0].stripe_customer_id;
    });
  }

  async getTenantIdForCustomer(customerId: string): Promise<string | null> {
    const rows = await this.rows<{ tenant_id: string }>(
      `SELECT tenant_id FROM billing_customers WHERE stripe_customer_id = $1`,
      [customerId],
    );
    return rows[0]?.tenant_id ?? null;
  }

  async processOnce<T>(
    eventId: string,
    apply: (tx: BillingTx) => Promise<T>,
  ): Promise<{ value: T } | null> {
    return this.db.withSystem(async (m) => {
      const tx = billingTx(m);
      // A concurrent insert of the same id waits here until the first transaction ends, then
      // conflicts (committed) or inserts (rolled back): either way the effects run once.
      const marked = await tx.query(
        `INSERT INTO stripe_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`,
        [eventId],
      );
      if (marked.length === 0) return null;
      return { value: await apply(tx) };
    });
  }

  /** Whether an event id has been processed (tests and support). */
  async isProcessed(eventId: string): Promise<boolean> {
    const rows = await this.rows(`SELECT 1 FROM stripe_events WHERE event_id = $1`, [eventId]);
    return rows.length === 1;
  }

  async advanceSubscriptionVersion(
    tx: BillingTx,
    subscriptionId: string,
    version: SubscriptionVersion,
  ): Promise<boolean> {
    // Same rule as compareVersions: an equal version is not older, so it is applied.
    const rows = await tx.query(
      `INSERT INTO subscription_versions (subscription_id, created, rank) VALUES ($1, $2, $3)
       ON CONFLICT (subscription_id) DO UPDATE
         SET created = EXCLUDED.created, rank = EXCLUDED.rank, updated_at = now()
         WHERE (subscription_versions.created, subscription_versions.rank)
               <= (EXCLUDED.created, EXCLUDED.rank)
       RETURNING subscription_id`,
      [subscriptionId, version.created, version.rank],
    );
    return rows.length === 1;
  }

  async getReportedUntil(tenantId: string): Promise<Date | null> {
    const rows = await this.rows<{ reported_until: Date }>(
      `SELECT reported_until FROM usage_reports WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ? new Date(rows[0].reported_until) : null;
  }

  async advanceReportedUntil(tenantId: string, until: Date): Promise<boolean> {
    const rows = await this.rows(
      `INSERT INTO usage_reports (tenant_id, reported_until) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET reported_until = EXCLUDED.reported_until
         WHERE usage_reports.reported_until < EXCLUDED.reported_until
       RETURNING tenant_id`,
      [tenantId, until],
    );
    return rows.length === 1;
  }

  async closedUsageWindows(tenantId: string, after: Date, before: Date): Promise<HourlyUsage[]> {
    const rows = await this.rows<{ hour: Date; messages: string }>(
      `SELECT hour, sum(messages)::text AS messages
         FROM usage_counters
        WHERE tenant_id = $1 AND hour >= $2 AND hour < $3
        GROUP BY hour
        ORDER BY hour`,
      [tenantId, after, before],
    );
    return rows.map((r) => {
      const from = new Date(r.hour);
      return { from, to: new Date(from.getTime() + HOUR_MS), messages: Number(r.messages) };
    });
  }

  private rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.withSystem((m) => rowsOf<T>(m, sql, params));
  }
}

/** A BillingTx over the transaction `withSystem` opened. */
export function billingTx(manager: EntityManager): BillingTx {
  return { query: <T>(sql: string, params: unknown[]) => rowsOf<T>(manager, sql, params) };
}
