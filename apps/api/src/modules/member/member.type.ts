import type { MemberEntity } from '@herald/db';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { Role } from '../common/role';
import { toUser, User } from '../tenant/tenant.type';

@ObjectType()
export class Member {
  @Field(() => ID) id!: string;
  @Field(() => User) user!: User;
  @Field(() => Role) role!: string;
  @Field({ description: 'Invited but not yet accepted.' }) pending!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType()
export class InviteMemberPayload {
  @Field(() => Member) member!: Member;
  @Field(() => String, {
    description:
      'Where the invitation link was mailed. The link is not shown to the inviter: opening it proves the address.',
  })
  invitationSentTo!: string;
}

export const MemberConnection = ConnectionType(Member, 'Member');

export function toMember(e: MemberEntity): Member {
  if (!e.user) throw new Error('Member loaded without its user');
  return {
    id: e.id,
    user: toUser(e.user),
    role: e.role,
    pending: e.acceptedAt === null,
    createdAt: e.createdAt,
  };
}
