/**
 * What billing persists. The in-memory implementation below is for tests of the HTTP surface
 * only; PgBillingStore is what runs.
 */
export interface BillingStore {
  getCustomerId(tenantId: string): Promise<string | null>;
  /**
   * Link a Stripe customer to a tenant unless one is linked already; returns the linked id (the
   * existing one when another caller won the race).
   */
  linkCustomer(tenantId: string, customerId: string): Promise<string>;
  getTenantIdForCustomer(customerId: string): Promise<string | null>;
}

/**
 * Statements inside the transaction that records a webhook event, so an event's effects and its
 * "processed" mark commit together or not at all.
 */
export interface BillingTx {
  query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
}

export interface WebhookEventStore {
  /**
   * Runs `apply` for an event id that was never processed, in one transaction with recording the
   * id; null (and nothing run) for a duplicate. A throw rolls everything back, so Stripe's retry
   * is processed again. Concurrent deliveries of one event: the second waits, then is a duplicate.
   */
  processOnce<T>(
    eventId: string,
    apply: (tx: BillingTx) => Promise<T>,
  ): Promise<{ value: T } | null>;
  /**
   * Compare-and-set of the newest applied change to a subscription, inside `tx`. Returns false
   * (and stores nothing) when `version` is older than the stored one.
   */
  advanceSubscriptionVersion(
    tx: BillingTx,
    subscriptionId: string,
    version: SubscriptionVersion,
  ): Promise<boolean>;
}

/** Order of changes to one subscription: event creation time, then the kind of change. */
export interface SubscriptionVersion {
  /** Stripe event `created`, in seconds. */
  created: number;
  /** Tie-breaker for events in the same second: created < updated < deleted. */
  rank: number;
}

export function compareVersions(a: SubscriptionVersion, b: SubscriptionVersion): number {
  return a.created - b.created || a.rank - b.rank;
}

/** The memory store has no SQL: its callers' effects must not need it. */
const NO_SQL: BillingTx = {
  query: () => Promise.reject(new Error('MemoryBillingStore runs no SQL; use PgBillingStore')),
};

/** In-memory BillingStore + WebhookEventStore: tests and local development only. */
export class MemoryBillingStore implements BillingStore, WebhookEventStore {
  private readonly customers = new Map<string, string>();
  private readonly tenantsByCustomer = new Map<string, string>();
  private readonly processedEvents = new Set<string>();
  private readonly subscriptionVersions = new Map<string, SubscriptionVersion>();

  async getCustomerId(tenantId: string): Promise<string | null> {
    return this.customers.get(tenantId) ?? null;
  }

  async linkCustomer(tenantId: string, customerId: string): Promise<string> {
    const existing = this.customers.get(tenantId);
    if (existing) return existing;
    this.customers.set(tenantId, customerId);
    this.tenantsByCustomer.set(customerId, tenantId);
    return customerId;
  }

  async getTenantIdForCustomer(customerId: string): Promise<string | null> {
    return this.tenantsByCustomer.get(customerId) ?? null;
  }

  async processOnce<T>(
    eventId: string,
    apply: (tx: BillingTx) => Promise<T>,
  ): Promise<{ value: T } | null> {
    if (this.processedEvents.has(eventId)) return null;
    this.processedEvents.add(eventId);
    try {
      return { value: await apply(NO_SQL) };
    } catch (err) {
      this.processedEvents.delete(eventId);
      throw err;
    }
  }

  async advanceSubscriptionVersion(
    _tx: BillingTx,
    subscriptionId: string,
    version: SubscriptionVersion,
  ): Promise<boolean> {
    const current = this.subscriptionVersions.get(subscriptionId);
    if (current && compareVersions(version, current) < 0) return false;
    this.subscriptionVersions.set(subscriptionId, version);
    return true;
  }
}
