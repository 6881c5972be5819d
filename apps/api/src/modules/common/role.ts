import { ROLES } from '@herald/domain';
import { registerEnumType } from 'type-graphql';

export const Role = Object.fromEntries(ROLES.map((r) => [r, r])) as {
  [K in (typeof ROLES)[number]]: K;
};
registerEnumType(Role, { name: 'Role', description: 'owner > admin > developer > viewer' });
