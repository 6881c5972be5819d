/*
 * Where tokens live. A tenant's session survives reloads (localStorage); a consumer's portal
 * session lives only as long as the tab (sessionStorage), as the magic link is one-time.
 */
const TENANT_KEY = 'herald.session';
const CONSUMER_KEY = 'herald.portal';

export const tenantToken = {
  get: (): string | null => localStorage.getItem(TENANT_KEY),
  set: (token: string) => localStorage.setItem(TENANT_KEY, token),
  clear: () => localStorage.removeItem(TENANT_KEY),
};

export interface ConsumerSession {
  sessionToken: string;
  expiresAt: string;
  capabilities: string[];
  application: { id: string; name: string; uid?: string | null };
  branding: {
    displayName?: string | null;
    logoUrl?: string | null;
    accentColor?: string | null;
  } | null;
}

export const consumerSession = {
  get(): ConsumerSession | null {
    try {
      const raw = sessionStorage.getItem(CONSUMER_KEY);
      if (!raw) return null;
      const session = JSON.parse(raw) as ConsumerSession;
      return new Date(session.expiresAt).getTime() > Date.now() ? session : null;
    } catch {
      return null;
    }
  },
  set: (session: ConsumerSession) => sessionStorage.setItem(CONSUMER_KEY, JSON.stringify(session)),
  clear: () => sessionStorage.removeItem(CONSUMER_KEY),
};
