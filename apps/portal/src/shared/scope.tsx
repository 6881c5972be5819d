import { createContext, useContext } from 'react';

/**
 * The application a set of screens works on, shared by the tenant dashboard (/apps/:id/…) and
 * the consumer portal (/portal/…): the same endpoint and message screens serve both.
 */
export interface AppScope {
  applicationId: string;
  /** Links are built under this path, e.g. /apps/app_123 or /portal. */
  basePath: string;
  canWrite: boolean;
  /** Consumer portal: no tenant-only actions (test events, recovery of all failures…). */
  consumer: boolean;
}

export const ScopeContext = createContext<AppScope | null>(null);

export function useScope(): AppScope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useScope outside an application scope');
  return scope;
}
