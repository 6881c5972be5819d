import { newToken, PortalRepository, type Database } from '@herald/db';
import { NotFoundError, UnauthenticatedError, ValidationError } from '@herald/domain';
import { PORTAL_SESSION_PREFIX } from '../../auth/authenticator';
import type { ApplicationService } from '../application/application.service';
import { optionalHttpUrl } from '../common/validate';
import type {
  PortalBranding,
  PortalBrandingInput,
  PortalCapability,
  PortalContext,
  PortalLink,
  PortalSession,
} from './portal.type';

export const PORTAL_LINK_PREFIX = 'hpl_';

const MIN_LINK_SECONDS = 60;
const MAX_LINK_SECONDS = 7 * 86_400;
const ACCENT = /^#[0-9a-fA-F]{6}$/;

export interface PortalSessionRow {
  id: string;
  tenantId: string;
  applicationId: string;
  capabilities: PortalCapability[];
  expiresAt: Date;
}

/**
 * Magic links into the consumer portal. A link is a one-time token (stored hashed) that expires;
 * exchanging it creates a short-lived session limited to one application and its capabilities.
 * The tables are system data: every statement carries the tenant id from the caller's
 * credentials or from the hashed token itself, never from input.
 */
export class PortalService {
  constructor(
    private readonly db: Database,
    private readonly applications: ApplicationService,
    private readonly publicUrl: string,
    private readonly sessionTtlMs: number,
  ) {}

  async createLink(
    tenantId: string,
    application: string,
    expiresInSeconds: number,
    capabilities: PortalCapability[],
  ): Promise<PortalLink> {
    if (
      !Number.isInteger(expiresInSeconds) ||
      expiresInSeconds < MIN_LINK_SECONDS ||
      expiresInSeconds > MAX_LINK_SECONDS
    ) {
      throw new ValidationError(
        `expiresInSeconds must be between ${MIN_LINK_SECONDS} and ${MAX_LINK_SECONDS}`,
        { field: 'expiresInSeconds' },
      );
    }
    const caps = normaliseCapabilities(capabilities);
    const app = await this.applications.get(tenantId, application);
    const token = newToken(PORTAL_LINK_PREFIX);
    const expiresAt = new Date(Date.now() + expiresInSeconds * 1000);
    await this.portal((repo) =>
      repo.createLink({ tenantId, applicationId: app.id, capabilities: caps }, token, expiresAt),
    );
    const url = `${this.publicUrl.replace(/\/$/, '')}/portal#token=${encodeURIComponent(token)}`;
    return { url, token, expiresAt, applicationId: app.id, capabilities: caps };
  }

  /** Uses up a link (once, before it expires) and opens a session for its application. */
  async exchange(token: string): Promise<PortalSession> {
    const invalid = () =>
      new UnauthenticatedError('This portal link is invalid, expired or already used');
    if (typeof token !== 'string' || !token.startsWith(PORTAL_LINK_PREFIX) || token.length > 200) {
      throw invalid();
    }
    const sessionToken = newToken(PORTAL_SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    const session = await this.portal((repo) => repo.exchangeLink(token, sessionToken, expiresAt));
    if (!session) throw invalid();
    const context = await this.context({
      tenantId: session.tenantId,
      applicationId: session.applicationId,
      capabilities: session.capabilities as PortalCapability[],
      expiresAt,
    });
    return { sessionToken, ...context };
  }

  /** The live session behind a bearer token, or null (unknown or expired). */
  async findSession(token: string): Promise<PortalSessionRow | null> {
    const row = await this.portal((repo) => repo.findSession(token));
    return row ? { ...row, capabilities: row.capabilities as PortalCapability[] } : null;
  }

  async context(session: {
    tenantId: string;
    applicationId: string;
    capabilities: PortalCapability[];
    expiresAt: Date;
  }): Promise<PortalContext> {
    const app = await this.applications.get(session.tenantId, session.applicationId);
    return {
      expiresAt: session.expiresAt,
      capabilities: session.capabilities,
      application: { id: app.id, name: app.name, uid: app.uid ?? null },
      branding: await this.branding(session.tenantId),
    };
  }

  /** Ends every portal session of an application (e.g. after a link leaked); returns how many. */
  async revokeSessions(tenantId: string, application: string): Promise<number> {
    const app = await this.applications.get(tenantId, application);
    return this.portal((repo) => repo.revokeApplication(tenantId, app.id));
  }

  async branding(tenantId: string): Promise<PortalBranding> {
    const b = await this.portal((repo) => repo.branding(tenantId));
    if (!b) throw new NotFoundError('Tenant not found');
    return {
      displayName: b.displayName ?? null,
      logoUrl: b.logoUrl ?? null,
      accentColor: b.accentColor ?? null,
    };
  }

  async setBranding(tenantId: string, input: PortalBrandingInput): Promise<PortalBranding> {
    const branding: PortalBranding = {
      displayName: optionalText(input.displayName, 'displayName', 80),
      logoUrl: optionalHttpUrl('logoUrl', input.logoUrl),
      accentColor: optionalText(input.accentColor, 'accentColor', 7),
    };
    if (branding.accentColor !== null && !ACCENT.test(branding.accentColor)) {
      throw new ValidationError('accentColor must look like #1a2b3c', { field: 'accentColor' });
    }
    await this.portal((repo) => repo.setBranding(tenantId, branding));
    return branding;
  }

  private portal<T>(fn: (repo: PortalRepository) => Promise<T>): Promise<T> {
    return this.db.withSystem((m) => fn(new PortalRepository(m)));
  }
}

function normaliseCapabilities(capabilities: PortalCapability[]): PortalCapability[] {
  const set = new Set(capabilities);
  if (set.size === 0) {
    throw new ValidationError('Give at least the READ capability', { field: 'capabilities' });
  }
  // Writing without reading makes no sense in a portal: WRITE implies READ.
  set.add('READ');
  return (['READ', 'WRITE'] as const).filter((c) => set.has(c));
}

function optionalText(value: string | null | undefined, field: string, max: number) {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed.length > max) {
    throw new ValidationError(`${field} must be at most ${max} characters`, { field });
  }
  return trimmed;
}
