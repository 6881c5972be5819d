import { timingSafeEqual, createHash } from 'node:crypto';
import { hashToken, SystemRepository, type Database } from '@herald/db';
import { lowerRole, UnauthenticatedError } from '@herald/domain';
import type { Principal } from './principal';

export const API_KEY_PREFIX = 'hk_';
export const SESSION_PREFIX = 'hs_';
export const PORTAL_SESSION_PREFIX = 'hps_';

/** Looks up consumer portal sessions (PortalService); injected to keep this module small. */
export interface PortalSessionFinder {
  findSession(token: string): Promise<{
    id: string;
    tenantId: string;
    applicationId: string;
    capabilities: ('READ' | 'WRITE')[];
    expiresAt: Date;
  } | null>;
}

interface CachedKey {
  principal: Principal;
  expiresAt: number;
}

/**
 * Turns a bearer token into a principal. API keys are cached for a few seconds because every
 * publish carries one; revocation evicts the local entry at once and other replicas within the
 * cache TTL.
 */
export class Authenticator {
  private readonly keyCache = new Map<string, CachedKey>();
  private readonly lastTouched = new Map<string, number>();
  private portalSessions: PortalSessionFinder | null = null;
  private readonly revocationListeners = new Set<(tenantId?: string) => void>();

  constructor(
    private readonly db: Database,
    private readonly operatorToken: string | null,
    private readonly cacheTtlMs = 5_000,
  ) {}

  /** Enables portal session tokens (the service is created after the authenticator). */
  usePortalSessions(finder: PortalSessionFinder): void {
    this.portalSessions = finder;
  }

  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
    const token = match[1];
    if (token.startsWith(API_KEY_PREFIX)) return this.fromApiKey(token);
    if (token.startsWith(SESSION_PREFIX)) return this.fromSession(token);
    if (token.startsWith(PORTAL_SESSION_PREFIX)) return this.fromPortalSession(token);
    if (this.isOperatorToken(token)) return { kind: 'operator' };
    throw new UnauthenticatedError('Invalid credentials');
  }

  /** Called on revocation so this replica stops accepting the key immediately. */
  evictApiKey(apiKeyId: string): void {
    let tenantId: string | undefined;
    for (const [hash, entry] of this.keyCache) {
      if (entry.principal.kind === 'apiKey' && entry.principal.apiKeyId === apiKeyId) {
        tenantId = entry.principal.tenantId;
        this.keyCache.delete(hash);
      }
    }
    this.revoked(tenantId);
  }

  /**
   * Says that credentials of `tenantId` (all tenants when omitted) were revoked or changed
   * (a key revoked, a session ended, portal sessions revoked, a member removed or re-roled), so
   * open WebSockets re-check theirs now rather than at their next periodic check.
   */
  revoked(tenantId?: string): void {
    // A role change is one of these too: cached keys of the tenant are read again.
    for (const [hash, entry] of this.keyCache) {
      if (
        tenantId === undefined ||
        ('tenantId' in entry.principal && entry.principal.tenantId === tenantId)
      )
        this.keyCache.delete(hash);
    }
    for (const listener of this.revocationListeners) listener(tenantId);
  }

  onRevoked(listener: (tenantId?: string) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private isOperatorToken(token: string): boolean {
    if (!this.operatorToken) return false;
    // Compare digests so the comparison is constant-time whatever the lengths.
    const a = createHash('sha256').update(token).digest();
    const b = createHash('sha256').update(this.operatorToken).digest();
    return timingSafeEqual(a, b);
  }

  private async fromApiKey(token: string): Promise<Principal> {
    const keyHash = hashToken(token);
    const now = Date.now();
    const cached = this.keyCache.get(keyHash);
    if (cached && cached.expiresAt > now) return cached.principal;
    const found = await this.db.withSystem((m) =>
      new SystemRepository(m).findActiveApiKey(keyHash),
    );
    // A key whose creator left the tenant is refused even before its removal revoked it.
    if (!found || !found.creatorIsMember) {
      this.keyCache.delete(keyHash);
      throw new UnauthenticatedError('Invalid or revoked API key');
    }
    const { key } = found;
    const principal: Principal = {
      kind: 'apiKey',
      tenantId: key.tenantId,
      // Never more than the creator may do now: a demoted creator demotes their keys.
      role: found.creatorRole ? lowerRole(key.role, found.creatorRole) : key.role,
      apiKeyId: key.id,
      creatorUserId: key.createdByUserId,
    };
    const expiresAt = key.expiresAt
      ? Math.min(key.expiresAt.getTime(), now + this.cacheTtlMs)
      : now + this.cacheTtlMs;
    this.keyCache.set(keyHash, { principal, expiresAt });
    this.touch(key.id, now);
    return principal;
  }

  /** `last_used_at` is informational: written at most once a minute per key, off the hot path. */
  private touch(keyId: string, now: number): void {
    if ((this.lastTouched.get(keyId) ?? 0) > now - 60_000) return;
    this.lastTouched.set(keyId, now);
    void this.db
      .withSystem((m) => new SystemRepository(m).touchApiKey(keyId))
      .catch(() => undefined);
  }

  private async fromSession(token: string): Promise<Principal> {
    const tokenHash = hashToken(token);
    const found = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const session = await repo.findSession(tokenHash);
      if (!session) return null;
      const member = await repo.findMember(session.tenantId, session.userId);
      return member?.acceptedAt ? { session, member } : null;
    });
    if (!found) throw new UnauthenticatedError('Session expired or invalid; log in again');
    return {
      kind: 'session',
      tenantId: found.session.tenantId,
      role: found.member.role,
      userId: found.session.userId,
      sessionId: found.session.id,
    };
  }

  private async fromPortalSession(token: string): Promise<Principal> {
    const session = await this.portalSessions?.findSession(token);
    if (!session) {
      throw new UnauthenticatedError('Portal session expired or invalid; ask for a new link');
    }
    return {
      kind: 'portal',
      tenantId: session.tenantId,
      applicationId: session.applicationId,
      capabilities: session.capabilities,
      portalSessionId: session.id,
      expiresAt: session.expiresAt,
    };
  }
}
