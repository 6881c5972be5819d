import {
  ApplicationRepository,
  EndpointRepository,
  PublishRepository,
  type TenantTx,
} from '@herald/db';
import { createIdFactory, matchesEndpoint, type PayloadFilter } from '@herald/domain';
import type { DispatchItem } from '@herald/temporal';

export type OperationalEventType =
  | 'endpoint.disabled'
  | 'message.attempt.failing'
  | 'message.attempt.exhausted'
  | 'message.attempt.recovered';

export interface OperationalEvent {
  type: OperationalEventType;
  data: Record<string, unknown>;
}

const nextId = createIdFactory();

/**
 * Publishes operational events as messages of the tenant's operational application, in the
 * caller's transaction, and returns the deliveries to hand to lanes after commit. A tenant
 * without an operational application (never enabled) gets nothing.
 */
export async function publishOperationalEvents(
  tx: TenantTx,
  events: OperationalEvent[],
): Promise<DispatchItem[]> {
  if (events.length === 0) return [];
  const app = await new ApplicationRepository(tx).findOperational();
  if (!app) return [];
  const endpoints = await new EndpointRepository(tx).listEnabledForApplications([app.id]);
  const createdAt = new Date();
  const messages = events.map((event) => ({
    id: nextId('msg'),
    applicationId: app.id,
    eventType: event.type,
    eventId: null,
    payloadJson: JSON.stringify({
      type: event.type,
      timestamp: createdAt.toISOString(),
      data: event.data,
    }),
    channels: null,
    event,
  }));
  const deliveries = messages.flatMap((m) =>
    endpoints
      .filter((e) =>
        matchesEndpoint(
          {
            eventTypes: e.eventTypes,
            channels: e.channels,
            payloadFilter: e.payloadFilter as PayloadFilter | null,
          },
          {
            eventType: m.eventType,
            channels: null,
            payload: { type: m.event.type, data: m.event.data },
          },
        ),
      )
      .map((e) => ({
        id: nextId('dlv'),
        applicationId: app.id,
        messageId: m.id,
        endpointId: e.id,
      })),
  );
  // Operational events are Herald talking to the tenant: not billed.
  await new PublishRepository(tx).insert(messages, deliveries, createdAt, { metered: false });
  return deliveries.map((d) => ({
    deliveryId: d.id,
    messageId: d.messageId,
    endpointId: d.endpointId,
  }));
}
