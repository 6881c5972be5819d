import type { ApiKeyEntity } from '@herald/db';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { Role } from '../common/role';
import { toUser, User } from '../tenant/tenant.type';

@ObjectType()
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => Role, {
    description:
      "The role it was made with. It acts with at most its creator's current role, and stops working when its creator leaves the tenant.",
  })
  role!: string;
  @Field(() => User, {
    nullable: true,
    description: 'Who it answers to; null for the provisioning key and once the creator left.',
  })
  createdBy!: User | null;
  @Field(() => Role, { nullable: true, description: 'The role of whoever made it, at the time.' })
  creatorRole!: string | null;
  @Field({ description: 'The first characters of the key, to recognise it.' }) prefix!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'The secret key. Shown once; store it now.' }) key!: string;
}

export const ApiKeyConnection = ConnectionType(ApiKey, 'ApiKey');

export function toApiKey(e: ApiKeyEntity): ApiKey {
  return {
    id: e.id,
    name: e.name,
    role: e.role,
    createdBy: e.creator ? toUser(e.creator) : null,
    creatorRole: e.creatorRole,
    prefix: e.keyPrefix,
    createdAt: e.createdAt,
    expiresAt: e.expiresAt,
    revokedAt: e.revokedAt,
    lastUsedAt: e.lastUsedAt,
  };
}
