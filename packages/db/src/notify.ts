import type { TenantTx } from './database';

/** The channel the API listens on for live delivery logs. */
export const DELIVERY_EVENTS_CHANNEL = 'herald_delivery_events';

export interface DeliveryEvent {
  deliveryId: string;
  messageId: string;
  applicationId: string;
  endpointId: string;
  status: string;
  attemptId: string | null;
  httpStatus: number | null;
}

// NOTIFY payloads must stay under 8000 bytes.
const MAX_PER_NOTIFY = 25;

/** Published inside the write transaction, so listeners only hear about committed changes. */
export async function notifyDeliveryEvents(tx: TenantTx, events: DeliveryEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_PER_NOTIFY) {
    await tx.query(`SELECT pg_notify($1, $2)`, [
      DELIVERY_EVENTS_CHANNEL,
      JSON.stringify({ tenantId: tx.tenantId, events: events.slice(i, i + MAX_PER_NOTIFY) }),
    ]);
  }
}

/** Subscribes a dedicated connection to the delivery events (the other side of notify). */
export async function listenForDeliveryEvents(client: {
  query(sql: string): Promise<unknown>;
}): Promise<void> {
  await client.query(`LISTEN ${DELIVERY_EVENTS_CHANNEL}`);
}
