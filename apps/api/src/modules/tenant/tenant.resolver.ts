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
  Viewer,
  toTenant,
  toUser,
} from './tenant.type';
import type { SessionResult } from './tenant.service';

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

@Resolver(() => Tenant)
export class TenantResolver {
  @Mutation(() => AuthPayload, {
    description: 'Creates a user, their tenant (as owner) and a session.',
  })
  async signUp(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('tenantName') tenantName: string,
    @Ctx() ctx: ApiContext,
  ) {
    return toAuthPayload(await ctx.services.tenants.signUp(email, password, tenantName));
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
    return toAuthPayload(await ctx.services.tenants.logIn(email, password, tenantId));
  }

  @Mutation(() => Boolean, { description: 'Ends the current session.' })
  async logOut(@Ctx() ctx: ApiContext) {
    const session = requireSession(ctx.principal);
    if (!ctx.bearerToken) return false;
    await ctx.services.tenants.logOut(ctx.bearerToken);
    ctx.services.credentials.revoked(session.tenantId);
    return true;
  }

  @Mutation(() => AuthPayload, { description: 'Joins the tenant that sent the invitation.' })
  async acceptInvitation(
    @Arg('token') token: string,
    @Arg('password', () => String, {
      nullable: true,
      description: 'Required when the account is new.',
    })
    password: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    return toAuthPayload(await ctx.services.tenants.acceptInvitation(token, password));
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
