import { can, ForbiddenError, UnauthenticatedError, type Action, type Role } from '@herald/domain';

/** Who is calling. Resolved once per request from the Authorization header. */
export type Principal =
  | { kind: 'apiKey'; tenantId: string; role: Role; apiKeyId: string }
  | { kind: 'session'; tenantId: string; role: Role; userId: string; sessionId: string }
  | { kind: 'operator' };

export type TenantPrincipal = Extract<Principal, { tenantId: string }>;

/**
 * The tenant the caller acts for, checked against the action's permission. Resolvers call this
 * first; the tenant id they pass to the data layer comes only from here.
 */
export function requireTenant(principal: Principal | null, action: Action): TenantPrincipal {
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind === 'operator') {
    throw new ForbiddenError('The operator token cannot act inside a tenant; use an API key');
  }
  if (!can(principal.role, action)) {
    throw new ForbiddenError(`Your role (${principal.role}) may not ${action.replace('_', ' ')}`);
  }
  return principal;
}

export function requireSession(
  principal: Principal | null,
): Extract<Principal, { kind: 'session' }> {
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind !== 'session') throw new ForbiddenError('This operation needs a user session');
  return principal;
}

export function requireOperator(principal: Principal | null): void {
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind !== 'operator') throw new ForbiddenError('Operator token required');
}
