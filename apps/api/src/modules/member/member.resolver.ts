import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Role as RoleName } from '@herald/domain';
import { requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { PageArgs, toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import { Role } from '../common/role';
import { InviteMemberPayload, Member, MemberConnection, toMember } from './member.type';

@Resolver(() => Member)
export class MemberResolver {
  @Query(() => MemberConnection)
  async members(@Args() args: PageArgs, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    return toConnection(
      await ctx.services.members.list(tenantId, toPageArgs(args, 'mbr')),
      toMember,
    );
  }

  @Mutation(() => InviteMemberPayload)
  async inviteMember(
    @Arg('email') email: string,
    @Arg('role', () => Role) role: RoleName,
    @Ctx() ctx: ApiContext,
  ) {
    const actor = requireTenant(ctx.principal, 'manage_members');
    const member = await ctx.services.members.invite(actor, email, role);
    return { member: toMember(member), invitationSentTo: member.user?.email ?? email.trim() };
  }

  @Mutation(() => Member)
  async updateMemberRole(
    @Arg('id', () => ID) id: string,
    @Arg('role', () => Role) role: RoleName,
    @Ctx() ctx: ApiContext,
  ) {
    const actor = requireTenant(ctx.principal, 'manage_members');
    const member = await ctx.services.members.updateRole(actor, id, role);
    ctx.services.credentials.revoked(actor.tenantId);
    return toMember(member);
  }

  @Mutation(() => ID, {
    description:
      'Removes the member, ends their sessions in this tenant and revokes the API keys they created.',
  })
  async removeMember(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const actor = requireTenant(ctx.principal, 'manage_members');
    const removed = await ctx.services.members.remove(actor, id);
    ctx.services.credentials.revoked(actor.tenantId);
    return removed;
  }
}
