import type { DeliveryConfig } from '@herald/config';
import {
  EndpointRepository,
  LaneRepository,
  notifyDeliveryEvents,
  type Database,
} from '@herald/db';
import type { Dispatcher, LaneSettings } from '@herald/temporal';
import { publishOperationalEvents } from './operational';

export function laneSettings(delivery: DeliveryConfig): LaneSettings {
  return {
    batchSize: delivery.batchSize,
    circuitFailureThreshold: delivery.circuitFailureThreshold,
    circuitCooldownMs: delivery.circuitCooldownMs,
    circuitMaxCooldownMs: delivery.circuitMaxCooldownMs,
    autoDisableAfterMs: delivery.autoDisableAfterMs,
    idleTimeoutMs: delivery.laneIdleTimeoutMs,
    parallelSteps: delivery.laneParallelSteps,
    maxHistoryEvents: delivery.laneMaxHistoryEvents,
  };
}

/**
 * A lane whose endpoint is gone or disabled gives up what was still pending: those deliveries
 * become FAILED (recoverEndpoint can send them again later).
 */
export async function abandonDeliveries(
  db: Database,
  input: { tenantId: string; endpointId: string },
): Promise<number> {
  return db.withTenant(input.tenantId, async (tx) => {
    const rows = await new LaneRepository(tx).abandonPending(input.endpointId);
    await notifyDeliveryEvents(
      tx,
      rows.map((r) => ({
        deliveryId: r.id,
        messageId: r.messageId,
        applicationId: r.applicationId,
        endpointId: input.endpointId,
        status: 'FAILED',
        attemptId: null,
        httpStatus: null,
      })),
    );
    return rows.length;
  });
}

/** Disables an endpoint that has failed without a break for too long, and says so. */
export async function autoDisableEndpoint(
  db: Database,
  dispatcher: Dispatcher,
  input: { tenantId: string; endpointId: string; failingSinceMs: number },
): Promise<boolean> {
  const failingSince = new Date(input.failingSinceMs).toISOString();
  const reason = `Failing continuously since ${failingSince}`;
  const { disabled, handOff } = await db.withTenant(input.tenantId, async (tx) => {
    const disabled = await new EndpointRepository(tx).disable(input.endpointId, reason);
    const owner = await new LaneRepository(tx).owner(input.endpointId);
    const handOff =
      disabled && owner?.kind === 'customer'
        ? await publishOperationalEvents(tx, [
            {
              type: 'endpoint.disabled',
              data: {
                applicationId: owner.applicationId,
                endpointId: input.endpointId,
                reason,
                failingSince,
              },
            },
          ])
        : [];
    return { disabled, handOff };
  });
  if (handOff.length > 0) dispatcher.dispatch(input.tenantId, handOff);
  return disabled;
}
