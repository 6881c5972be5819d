import type { TenantEntity, UserEntity } from '@herald/db';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { Role } from '../common/role';

@ObjectType()
export class Tenant {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
}

@ObjectType()
export class User {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field({
    description:
      'Whether someone proved they read this address (a verification or invitation link).',
  })
  emailVerified!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType({ description: 'A portal session. Send the token as "Authorization: Bearer <token>".' })
export class AuthPayload {
  @Field() token!: string;
  @Field() expiresAt!: Date;
  @Field(() => User) user!: User;
  @Field(() => Tenant) tenant!: Tenant;
  @Field(() => Role) role!: string;
}

@ObjectType({ description: 'Who the caller is.' })
export class Viewer {
  @Field({ description: 'apiKey or session.' }) kind!: string;
  @Field(() => Tenant) tenant!: Tenant;
  @Field(() => Role) role!: string;
  @Field(() => User, { nullable: true }) user!: User | null;
  @Field(() => ID, { nullable: true }) apiKeyId!: string | null;
}

@ObjectType()
export class CreateTenantPayload {
  @Field(() => Tenant) tenant!: Tenant;
  @Field({ description: 'An admin API key for the new tenant. Shown once.' }) apiKey!: string;
  @Field(() => User, { nullable: true }) owner!: User | null;
}

export const TenantConnection = ConnectionType(Tenant, 'Tenant');

export function toTenant(e: TenantEntity): Tenant {
  return { id: e.id, name: e.name, createdAt: e.createdAt };
}

export function toUser(e: UserEntity): User {
  return {
    id: e.id,
    email: e.email,
    emailVerified: e.emailVerifiedAt != null,
    createdAt: e.createdAt,
  };
}
