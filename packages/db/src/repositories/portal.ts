import type { EntityManager } from 'typeorm';
import { newId } from '@herald/domain';
import { hashToken } from '../crypto';
import { rowsOf } from '../rows';

/** What a portal link or session grants, as stored. */
export interface PortalGrant {
  tenantId: string;
  applicationId: string;
  capabilities: string[];
}

export interface PortalSessionRecord extends PortalGrant {
  id: string;
  expiresAt: Date;
}

/** The tenant's portal branding, as stored (every field optional). */
export interface StoredBranding {
  displayName?: string | null;
  logoUrl?: string | null;
  accentColor?: string | null;
}

/**
 * Consumer portal links and sessions, and the tenant's branding. System data, reached through
 * `Database.withSystem`: a link is exchanged before anyone is authenticated. Every statement
 * carries the tenant id from the caller's credentials or from the hashed token itself, never
 * from input; tokens are stored as SHA-256 only.
 */
export class PortalRepository {
  constructor(private readonly manager: EntityManager) {}

  async createLink(grant: PortalGrant, token: string, expiresAt: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO portal_links (id, tenant_id, application_id, token_hash, capabilities, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        newId('pln'),
        grant.tenantId,
        grant.applicationId,
        hashToken(token),
        grant.capabilities,
        expiresAt,
      ],
    );
  }

  /**
   * Uses up a link (once, before it expires) and opens a session with its grant, in the caller's
   * transaction; null when the link is unknown, used or expired.
   */
  async exchangeLink(
    linkToken: string,
    sessionToken: string,
    expiresAt: Date,
  ): Promise<PortalGrant | null> {
    const [link] = await rowsOf<{
      id: string;
      tenant_id: string;
      application_id: string;
      capabilities: string[];
    }>(
      this.manager,
      `UPDATE portal_links SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING id, tenant_id, application_id, capabilities`,
      [hashToken(linkToken)],
    );
    if (!link) return null;
    await this.manager.query(
      `INSERT INTO portal_sessions
         (id, tenant_id, application_id, link_id, token_hash, capabilities, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        newId('pss'),
        link.tenant_id,
        link.application_id,
        link.id,
        hashToken(sessionToken),
        link.capabilities,
        expiresAt,
      ],
    );
    return {
      tenantId: link.tenant_id,
      applicationId: link.application_id,
      capabilities: link.capabilities,
    };
  }

  /** The live session behind a bearer token, or null (unknown or expired). */
  async findSession(token: string): Promise<PortalSessionRecord | null> {
    const [row] = await rowsOf<{
      id: string;
      tenant_id: string;
      application_id: string;
      capabilities: string[];
      expires_at: Date;
    }>(
      this.manager,
      `SELECT id, tenant_id, application_id, capabilities, expires_at FROM portal_sessions
        WHERE token_hash = $1 AND expires_at > now()`,
      [hashToken(token)],
    );
    if (!row) return null;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      applicationId: row.application_id,
      capabilities: row.capabilities,
      expiresAt: row.expires_at,
    };
  }

  /** Ends every session of the application and uses up its links; returns the sessions ended. */
  async revokeApplication(tenantId: string, applicationId: string): Promise<number> {
    const rows = await rowsOf<{ id: string }>(
      this.manager,
      `DELETE FROM portal_sessions WHERE tenant_id = $1 AND application_id = $2 RETURNING id`,
      [tenantId, applicationId],
    );
    await this.manager.query(
      `UPDATE portal_links SET used_at = coalesce(used_at, now())
        WHERE tenant_id = $1 AND application_id = $2`,
      [tenantId, applicationId],
    );
    return rows.length;
  }

  /** null when the tenant does not exist. */
  async branding(tenantId: string): Promise<StoredBranding | null> {
    const [row] = await rowsOf<{ portal_branding: StoredBranding }>(
      this.manager,
      `SELECT portal_branding FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return row ? row.portal_branding : null;
  }

  async setBranding(tenantId: string, branding: StoredBranding): Promise<void> {
    await this.manager.query(
      `UPDATE tenants SET portal_branding = $2, updated_at = now() WHERE id = $1`,
      [tenantId, JSON.stringify(branding)],
    );
  }
}
