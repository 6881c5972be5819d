import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  can,
  canAssignRole,
  canManageMember,
  isRole,
  lowerRole,
  roleRank,
  ROLES,
  type Action,
  type Role,
} from './roles';

describe('can', () => {
  const expected: Record<Role, Action[]> = {
    owner: [...ACTIONS],
    admin: ['read', 'write', 'manage_members', 'manage_api_keys', 'manage_billing'],
    developer: ['read', 'write', 'manage_api_keys'],
    viewer: ['read'],
  };

  it.each(ROLES)('%s has exactly its permissions', (role) => {
    expect(ACTIONS.filter((action) => can(role, action))).toEqual(expected[role]);
  });

  it('is false for an unknown role from untyped input', () => {
    expect(can('root' as Role, 'read')).toBe(false);
  });
});

describe('canAssignRole', () => {
  it('only owners grant owner', () => {
    expect(canAssignRole('owner', 'owner')).toBe(true);
    expect(canAssignRole('admin', 'owner')).toBe(false);
  });

  it('admins grant every other role', () => {
    for (const target of ['admin', 'developer', 'viewer'] as const)
      expect(canAssignRole('admin', target)).toBe(true);
  });

  it('developers and viewers grant nothing', () => {
    for (const actor of ['developer', 'viewer'] as const) {
      for (const target of ROLES) expect(canAssignRole(actor, target)).toBe(false);
    }
  });
});

describe('canManageMember', () => {
  it('admins cannot touch owners', () => {
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'admin')).toBe(true);
    expect(canManageMember('owner', 'owner')).toBe(true);
    expect(canManageMember('developer', 'viewer')).toBe(false);
  });
});

describe('isRole', () => {
  it('accepts the four roles only', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ['Owner', 'root', '', null, 1]) expect(isRole(value)).toBe(false);
  });
});

describe('lowerRole', () => {
  it('is the less powerful of the two, whichever comes first', () => {
    expect(lowerRole('admin', 'viewer')).toBe('viewer');
    expect(lowerRole('viewer', 'admin')).toBe('viewer');
    expect(lowerRole('developer', 'owner')).toBe('developer');
    expect(lowerRole('admin', 'admin')).toBe('admin');
    expect(ROLES.map(roleRank)).toEqual([3, 2, 1, 0]);
  });
});
