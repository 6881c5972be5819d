import type { DeliveryConfig } from '@herald/config';
import { notifyDeliveryEvents, type Database } from '@herald/db';
import { publishOperationalEvents } from './operational';
import type { Dispatch } from './reconcile';
import type { LaneSettings } from '@herald/temporal';
import { disableEndpoint } from './deliver';

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
    const rows = await tx.query<{ id: string; message_id: string; application_id: string }>(
      `UPDATE deliveries SET status = 'FAILED', next_attempt_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'PENDING'
        RETURNING id, message_id, application_id`,
      [tx.tenantId, input.endpointId],
    );
    await notifyDeliveryEvents(
      tx,
      rows.map((r) => ({
        deliveryId: r.id,
        messageId: r.message_id,
        applicationId: r.application_id,
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
  dispatcher: Dispatch,
  input: { tenantId: string; endpointId: string; failingSinceMs: number },
): Promise<boolean> {
  const failingSince = new Date(input.failingSinceMs).toISOString();
  const reason = `Failing continuously since ${failingSince}`;
  const { disabled, handOff } = await db.withTenant(input.tenantId, async (tx) => {
    const disabled = await disableEndpoint(tx, input.endpointId, reason);
    const [endpoint] = await tx.query<{ application_id: string; kind: string }>(
      `SELECT e.application_id, a.kind FROM endpoints e JOIN applications a ON a.id = e.application_id
        WHERE e.tenant_id = $1 AND e.id = $2`,
      [tx.tenantId, input.endpointId],
    );
    const handOff =
      disabled && endpoint?.kind === 'customer'
        ? await publishOperationalEvents(tx, [
            {
              type: 'endpoint.disabled',
              data: {
                applicationId: endpoint.application_id,
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
