import { can, ForbiddenError, UnauthenticatedError, type Action, type Role } from '@herald/domain';

/** Who is calling. Resolved once per request from the Authorization header. */
export type Principal =
  | {
      kind: 'apiKey';
      tenantId: string;
      /** The key's role capped at its creator's current role. */
      role: Role;
      apiKeyId: string;
      /** The person the key answers to; null for the operator's provisioning key. */
      creatorUserId: string | null;
    }
  | { kind: 'session'; tenantId: string; role: Role; userId: string; sessionId: string }
  | { kind: 'operator' }
  /** A consumer portal session: one application of one tenant, with its capabilities. */
  | {
      kind: 'portal';
      tenantId: string;
      applicationId: string;
      capabilities: readonly ('READ' | 'WRITE')[];
      portalSessionId: string;
      expiresAt: Date;
    };

export type TenantPrincipal = Extract<Principal, { role: Role }>;
export type PortalPrincipal = Extract<Principal, { kind: 'portal' }>;

/**
 * The tenant the caller acts for, checked against the action's permission. Resolvers call this
 * first; the tenant id they pass to the data layer comes only from here.
 */
export function requireTenant(principal: Principal | null, action: Action): TenantPrincipal {
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind === 'operator') {
    throw new ForbiddenError('The operator token cannot act inside a tenant; use an API key');
  }
  if (principal.kind === 'portal') {
    throw new ForbiddenError('A consumer portal session can only reach its own application');
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

/**
 * What a resolver that consumer portal sessions may also use acts on: the tenant, and for a
 * portal session the one application it is limited to (null = the whole tenant).
 */
export interface Scope {
  tenantId: string;
  applicationId: string | null;
}

/**
 * Like requireTenant, but also admits portal sessions: 'read' needs the READ capability, 'write'
 * the WRITE capability. The resolver must then check that what it touches belongs to
 * `applicationId` (see inScope).
 */
export function requireScope(principal: Principal | null, action: 'read' | 'write'): Scope {
  if (principal?.kind === 'portal') {
    const needed = action === 'read' ? 'READ' : 'WRITE';
    if (!principal.capabilities.includes(needed)) {
      throw new ForbiddenError('This portal link is read-only');
    }
    return { tenantId: principal.tenantId, applicationId: principal.applicationId };
  }
  return { tenantId: requireTenant(principal, action).tenantId, applicationId: null };
}

/**
 * Whether the caller may change what it reads (the check requireScope(…, 'write') makes), for
 * fields that only writers see in full.
 */
export function mayWrite(principal: Principal | null): boolean {
  if (principal?.kind === 'portal') return principal.capabilities.includes('WRITE');
  if (principal?.kind === 'apiKey' || principal?.kind === 'session')
    return can(principal.role, 'write');
  return false;
}

export function requirePortal(principal: Principal | null): PortalPrincipal {
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind !== 'portal') {
    throw new ForbiddenError('This operation needs a consumer portal session');
  }
  return principal;
}
