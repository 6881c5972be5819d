import { createContext, useContext } from 'react';
import type { ViewerQuery } from '../gql/graphql';

export type Viewer = ViewerQuery['viewer'];
export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the dashboard shell');
  return viewer;
}

const RANK = { viewer: 0, developer: 1, admin: 2, owner: 3 } as const;

/** Whether the signed-in role is at least `role` (owner > admin > developer > viewer). */
export function hasRole(viewer: Pick<Viewer, 'role'>, role: keyof typeof RANK): boolean {
  return RANK[viewer.role] >= RANK[role];
}
