export const ROLES = ['owner', 'admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `write` covers applications, endpoints, event types and messages; the rest are the
 * tenant-administration actions that deserve their own switch.
 */
export const ACTIONS = [
  'read',
  'write',
  'manage_members',
  'manage_api_keys',
  'manage_billing',
  'delete_tenant',
] as const;
export type Action = (typeof ACTIONS)[number];

const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  owner: new Set<Action>(ACTIONS),
  admin: new Set<Action>(['read', 'write', 'manage_members', 'manage_api_keys', 'manage_billing']),
  developer: new Set<Action>(['read', 'write', 'manage_api_keys']),
  viewer: new Set<Action>(['read']),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role]?.has(action) ?? false;
}

/** Whether `actorRole` may invite someone as, or change someone to, `targetRole`. */
export function canAssignRole(actorRole: Role, targetRole: Role): boolean {
  if (!can(actorRole, 'manage_members')) return false;
  // Only owners make owners; otherwise an admin could promote a colleague and together take the
  // tenant (including its deletion) away from its owners.
  if (targetRole === 'owner') return actorRole === 'owner';
  return true;
}

/**
 * Whether `actorRole` may change or remove a member who currently holds `memberRole`. Admins can
 * manage everyone except owners. The "last owner stays" rule needs data, so the service enforces it.
 */
export function canManageMember(actorRole: Role, memberRole: Role): boolean {
  if (!can(actorRole, 'manage_members')) return false;
  if (memberRole === 'owner') return actorRole === 'owner';
  return true;
}

/** Roles from the least to the most powerful (ROLES lists them the other way round). */
export function roleRank(role: Role): number {
  return ROLES.length - 1 - ROLES.indexOf(role);
}

/** The less powerful of two roles: what a key may do when its creator's role is lower. */
export function lowerRole(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}
