/**
 * What billing persists. The in-memory implementation below is for tests and local development
 * only; the PostgreSQL implementation (packages/db) comes with the API integration.
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

export interface WebhookEventStore {
  /** Records a Stripe event id; true the first time, false for a duplicate. */
  markProcessed(eventId: string): Promise<boolean>;
  /** Undoes markProcessed when handling failed, so Stripe's retry is processed again. */
  unmarkProcessed(eventId: string): Promise<void>;
  /**
   * Compare-and-set of the newest applied change to a subscription. Returns false (and stores
   * nothing) when `version` is older than the stored one.
   */
  advanceSubscriptionVersion(
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

  async markProcessed(eventId: string): Promise<boolean> {
    if (this.processedEvents.has(eventId)) return false;
    this.processedEvents.add(eventId);
    return true;
  }

  async unmarkProcessed(eventId: string): Promise<void> {
    this.processedEvents.delete(eventId);
  }

  async advanceSubscriptionVersion(
    subscriptionId: string,
    version: SubscriptionVersion,
  ): Promise<boolean> {
    const current = this.subscriptionVersions.get(subscriptionId);
    if (current && compareVersions(version, current) < 0) return false;
    this.subscriptionVersions.set(subscriptionId, version);
    return true;
  }
}
