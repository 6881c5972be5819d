import {
  type Database,
  type DeliveryEntity,
  DeliveryEntity as DeliveryRow,
  DeliveryRepository,
  EndpointRepository,
  MessageRepository,
} from '@herald/db';
import { ConflictError, createIdFactory, NotFoundError } from '@herald/domain';
import type { DeliveryHandOff } from '@herald/temporal';
import { checkTime, validateIdArg } from '../common/validate';

const nextId = createIdFactory();

/** Manual control over deliveries: each goes to the endpoint's lane like any other send. */
export class DeliveryControlService {
  constructor(
    private readonly db: Database,
    private readonly dispatcher: DeliveryHandOff,
  ) {}

  /** Sends a message to an endpoint once more (a new delivery if it never went there). */
  async resendMessage(
    tenantId: string,
    messageId: string,
    endpointId: string,
  ): Promise<DeliveryEntity> {
    validateIdArg('messageId', messageId, 'msg');
    validateIdArg('endpointId', endpointId, 'ep');
    this.requireDelivery();
    const delivery = await this.db.withTenant(tenantId, async (tx) => {
      const message = await new MessageRepository(tx).findById(messageId);
      if (!message) throw new NotFoundError(`Message ${messageId} not found`);
      const endpoint = await new EndpointRepository(tx).findById(endpointId);
      if (endpoint && endpoint.applicationId === message.applicationId) refuseExpunged(message);
      if (!endpoint || endpoint.applicationId !== message.applicationId) {
        throw new NotFoundError(`Endpoint ${endpointId} not found`);
      }
      if (endpoint.disabledAt) throw new ConflictError('The endpoint is disabled; enable it first');
      const repo = tx.manager.getRepository(DeliveryRow);
      const existing = await repo.findOneBy({ tenantId, messageId, endpointId });
      if (existing) return existing;
      // A manual send never reschedules, so the new delivery is not PENDING: it becomes
      // SUCCEEDED when the send works and stays FAILED otherwise.
      return repo.save(
        repo.create({
          id: nextId('dlv'),
          tenantId,
          applicationId: message.applicationId,
          messageId,
          endpointId,
          status: 'FAILED',
          attemptCount: 0,
          nextAttemptAt: null,
        }),
      );
    });
    this.dispatcher.dispatch(tenantId, [
      { deliveryId: delivery.id, messageId, endpointId, manual: true },
    ]);
    return delivery;
  }

  /** The application a delivery belongs to (scope checks of portal sessions). */
  async applicationOf(tenantId: string, deliveryId: string): Promise<string> {
    validateIdArg('id', deliveryId, 'dlv');
    const found = await this.db.withTenant(tenantId, (tx) =>
      tx.manager.getRepository(DeliveryRow).findOneBy({ tenantId, id: deliveryId }),
    );
    if (!found) throw new NotFoundError(`Delivery ${deliveryId} not found`);
    return found.applicationId;
  }

  /** One more attempt of a delivery, now, whatever its state. */
  async retryDelivery(tenantId: string, deliveryId: string): Promise<DeliveryEntity> {
    validateIdArg('id', deliveryId, 'dlv');
    this.requireDelivery();
    const delivery = await this.db.withTenant(tenantId, async (tx) => {
      const found = await tx.manager
        .getRepository(DeliveryRow)
        .findOneBy({ tenantId, id: deliveryId });
      if (!found) throw new NotFoundError(`Delivery ${deliveryId} not found`);
      const message = await new MessageRepository(tx).findById(found.messageId);
      if (message) refuseExpunged(message);
      const endpoint = await new EndpointRepository(tx).findById(found.endpointId);
      if (!endpoint) throw new NotFoundError('The endpoint of this delivery was deleted');
      if (endpoint.disabledAt) throw new ConflictError('The endpoint is disabled; enable it first');
      return found;
    });
    this.dispatcher.dispatch(tenantId, [
      {
        deliveryId: delivery.id,
        messageId: delivery.messageId,
        endpointId: delivery.endpointId,
        manual: true,
      },
    ]);
    return delivery;
  }

  /**
   * Sends again everything that failed to an endpoint since `since`, with a fresh retry
   * schedule. Returns how many deliveries were recovered.
   */
  async recoverEndpoint(tenantId: string, endpointId: string, since: Date): Promise<number> {
    validateIdArg('id', endpointId, 'ep');
    checkTime('since', since);
    this.requireDelivery();
    const rows = await this.db.withTenant(tenantId, async (tx) => {
      const endpoint = await new EndpointRepository(tx).findById(endpointId);
      if (!endpoint) throw new NotFoundError(`Endpoint ${endpointId} not found`);
      if (endpoint.disabledAt) throw new ConflictError('The endpoint is disabled; enable it first');
      return new DeliveryRepository(tx).recoverFailed(endpointId, since);
    });
    if (rows.length > 0) {
      this.dispatcher.dispatch(
        tenantId,
        rows.map((r) => ({ deliveryId: r.id, messageId: r.messageId, endpointId })),
      );
    }
    return rows.length;
  }

  private requireDelivery(): void {
    if (!this.dispatcher.enabled) {
      throw new ConflictError('Delivery is not configured on this server (set TEMPORAL_ADDRESS)');
    }
  }
}

/** A message whose payload is gone cannot be sent again. */
function refuseExpunged(message: { payloadExpungedAt: Date | null }): void {
  if (message.payloadExpungedAt) {
    throw new ConflictError('The payload of this message was expunged; it can no longer be sent');
  }
}
