import { Arg, Args, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { PlanId } from '@herald/config';
import { Plan } from '../billing/billing.type';
import { requireOperator, requireSession, requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { PageArgs, toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import {
  AuthPayload,
  CreateTenantPayload,
  Tenant,
  TenantConnection,
  User,
  Viewer,
  toTenant,
  toUser,
} from './tenant.type';
import type { Caller, SessionResult } from './tenant.service';

@InputType()
export class CreateTenantInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) ownerEmail?: string | null;
  @Field(() => String, { nullable: true }) ownerPassword?: string | null;
  @Field(() => Plan, { nullable: true, description: 'Default free.' }) plan?: PlanId | null;
}

function toAuthPayload(s: SessionResult): AuthPayload {
  return {
    token: s.token,
    expiresAt: s.expiresAt,
    user: toUser(s.user),
    tenant: toTenant(s.tenant),
    role: s.role,
  };
}

function callerOf(ctx: ApiContext): Caller {
  return {
    address: ctx.clientIp,
    userId: ctx.principal?.kind === 'session' ? ctx.principal.userId : null,
  };
}

@Resolver(() => Tenant)
export class TenantResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Creates a user, their tenant (as owner) and a session, and mails a link that verifies the address (verifyEmail).',
  })
  async signUp(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('tenantName') tenantName: string,
    @Ctx() ctx: ApiContext,
  ) {
    return toAuthPayload(
      await ctx.services.tenants.signUp(email, password, tenantName, callerOf(ctx)),
    );
  }

  @Mutation(() => User, { description: 'Opens the link of a verification mail.' })
  async verifyEmail(@Arg('token') token: string, @Ctx() ctx: ApiContext) {
    return toUser(await ctx.services.tenants.verifyEmail(token));
  }

  @Mutation(() => Boolean, {
    description:
      'Mails a new verification link to the signed-in user; false when the address is already verified.',
  })
  async requestEmailVerification(@Ctx() ctx: ApiContext) {
    const session = requireSession(ctx.principal);
    return ctx.services.tenants.requestEmailVerification(session.userId, callerOf(ctx));
  }

  @Mutation(() => AuthPayload)
  async logIn(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('tenantId', () => ID, {
      nullable: true,
      description: 'Which tenant, for members of several.',
    })
    tenantId: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    return toAuthPayload(
      await ctx.services.tenants.logIn(email, password, tenantId, callerOf(ctx)),
    );
  }

  @Mutation(() => Boolean, { description: 'Ends the current session.' })
  async logOut(@Ctx() ctx: ApiContext) {
    const session = requireSession(ctx.principal);
    if (!ctx.bearerToken) return false;
    await ctx.services.tenants.logOut(ctx.bearerToken);
    ctx.services.credentials.revoked(session.tenantId);
    return true;
  }

  @Mutation(() => AuthPayload, {
    description:
      'Joins the tenant that sent the invitation (the token comes from the mailed link). A verified account must be signed in as itself or give its password; a new or unverified one chooses a password here, which ends any earlier session of that account.',
  })
  async acceptInvitation(
    @Arg('token') token: string,
    @Arg('password', () => String, {
      nullable: true,
      description:
        "The account's password, or the one to choose when it is new or its address was never verified.",
    })
    password: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    const accepted = await ctx.services.tenants.acceptInvitation(token, password, callerOf(ctx));
    // Sessions of the account in every tenant ended: their sockets must close too.
    if (accepted.sessionsEnded) ctx.services.credentials.revoked();
    return toAuthPayload(accepted);
  }

  @Query(() => Viewer)
  async viewer(@Ctx() ctx: ApiContext): Promise<Viewer> {
    const principal = requireTenant(ctx.principal, 'read');
    const { tenant, user } = await ctx.services.tenants.viewer(principal);
    return {
      kind: principal.kind,
      tenant: toTenant(tenant),
      role: principal.role,
      user: user ? toUser(user) : null,
      apiKeyId: principal.kind === 'apiKey' ? principal.apiKeyId : null,
    };
  }

  @Mutation(() => CreateTenantPayload, { description: 'Operator only.' })
  async createTenant(@Arg('input') input: CreateTenantInput, @Ctx() ctx: ApiContext) {
    requireOperator(ctx.principal);
    const owner =
      input.ownerEmail || input.ownerPassword
        ? { email: input.ownerEmail ?? '', password: input.ownerPassword ?? '' }
        : null;
    const created = await ctx.services.tenants.createTenant(
      input.name,
      owner,
      input.plan ?? 'free',
    );
    return {
      tenant: toTenant(created.tenant),
      apiKey: created.apiKey,
      owner: created.owner ? toUser(created.owner) : null,
    };
  }

  @Query(() => TenantConnection, { description: 'Operator only.' })
  async tenants(@Args() args: PageArgs, @Ctx() ctx: ApiContext) {
    requireOperator(ctx.principal);
    return toConnection(await ctx.services.tenants.listTenants(toPageArgs(args, 'tnt')), toTenant);
  }
}
