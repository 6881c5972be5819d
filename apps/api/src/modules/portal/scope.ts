import { NotFoundError } from '@herald/domain';
import type { Scope } from '../../auth/principal';
import type { ApiContext } from '../../context';

/** Resources a resolver is about to touch, by the references it was given. */
export interface ScopeRefs {
  /** app_ id or uid */
  application?: string | null;
  endpointId?: string | null;
  messageId?: string | null;
  deliveryId?: string | null;
}

/**
 * For a portal session, checks that every referenced resource belongs to its application and
 * answers exactly as if it did not exist otherwise, so a consumer learns nothing about the rest
 * of the tenant. Tenant credentials (applicationId null) pass without a lookup.
 */
export async function assertInScope(ctx: ApiContext, scope: Scope, refs: ScopeRefs) {
  if (scope.applicationId === null) return;
  const { tenantId, applicationId } = scope;
  const { applications, endpoints, messages, deliveries } = ctx.services;
  const check = (owner: string, what: string) => {
    if (owner !== applicationId) throw new NotFoundError(`${what} not found`);
  };
  if (refs.application) {
    check(
      (await applications.get(tenantId, refs.application)).id,
      `Application ${refs.application}`,
    );
  }
  if (refs.endpointId) {
    check(
      (await endpoints.get(tenantId, refs.endpointId)).applicationId,
      `Endpoint ${refs.endpointId}`,
    );
  }
  if (refs.messageId) {
    check(
      (await messages.get(tenantId, refs.messageId)).applicationId,
      `Message ${refs.messageId}`,
    );
  }
  if (refs.deliveryId) {
    check(await deliveries.applicationOf(tenantId, refs.deliveryId), `Delivery ${refs.deliveryId}`);
  }
}
