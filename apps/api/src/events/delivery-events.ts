import { Client } from 'pg';
import { listenForDeliveryEvents, type DeliveryEvent } from '@herald/db';
import type { Logger } from '@herald/observability';

type Listener = (event: DeliveryEvent) => void;

const MAX_BUFFERED = 1000;

/**
 * Fans PostgreSQL NOTIFY messages about deliveries out to GraphQL subscribers. One LISTEN
 * connection per API process, however many subscribers; it reconnects after a lost connection.
 */
export class DeliveryEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: Client | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'herald-events',
    });
    client.on('notification', (msg) => this.onNotification(msg.payload));
    client.on('error', (error) => {
      this.logger.warn('delivery event listener lost its connection', { error: error.message });
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 1000);
    });
    await client.connect();
    await listenForDeliveryEvents(client);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** Live events of one application, as an async iterator that ends when the client leaves. */
  subscribe(tenantId: string, applicationId: string): AsyncIterableIterator<DeliveryEvent> {
    const key = `${tenantId}/${applicationId}`;
    const buffer: DeliveryEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener: Listener = (event) => {
      // A subscriber that stops reading loses the oldest events rather than growing memory.
      if (buffer.length >= MAX_BUFFERED) buffer.shift();
      buffer.push(event);
      wake?.();
    };
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    const finish = () => {
      done = true;
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
      wake?.();
    };
    const iterator: AsyncIterableIterator<DeliveryEvent> = {
      async next() {
        while (!done && buffer.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (buffer.length > 0) return { value: buffer.shift() as DeliveryEvent, done: false };
        return { value: undefined, done: true };
      },
      async return() {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    let parsed: { tenantId: string; events: DeliveryEvent[] };
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    for (const event of parsed.events ?? []) {
      const set = this.listeners.get(`${parsed.tenantId}/${event.applicationId}`);
      if (set) for (const listener of set) listener(event);
    }
  }
}
