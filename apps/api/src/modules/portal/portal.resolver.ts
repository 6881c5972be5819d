import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requirePortal, requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import {
  PortalBranding,
  PortalBrandingInput,
  PortalCapability,
  PortalContext,
  PortalLink,
  PortalSession,
} from './portal.type';

@Resolver()
export class PortalResolver {
  @Mutation(() => PortalLink, {
    description:
      'A one-time link into the consumer portal for one application (app_ id or uid). The ' +
      'customer who opens it gets a short-lived session limited to that application.',
  })
  createPortalSession(
    @Arg('applicationId', () => ID) applicationId: string,
    @Arg('expiresInSeconds', () => Int, { defaultValue: 3600 }) expiresInSeconds: number,
    @Arg('capabilities', () => [PortalCapability], { defaultValue: ['READ', 'WRITE'] })
    capabilities: PortalCapability[],
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return ctx.services.portal.createLink(tenantId, applicationId, expiresInSeconds, capabilities);
  }

  @Mutation(() => Int, {
    description: 'Ends every consumer portal session and unused link of an application.',
  })
  async revokePortalSessions(
    @Arg('applicationId', () => ID) applicationId: string,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    const revoked = await ctx.services.portal.revokeSessions(tenantId, applicationId);
    ctx.services.credentials.revoked(tenantId);
    return revoked;
  }

  @Mutation(() => PortalSession, {
    description: 'Exchanges a portal link token (once) for a session token. No credentials needed.',
  })
  exchangePortalToken(@Arg('token') token: string, @Ctx() ctx: ApiContext) {
    return ctx.services.portal.exchange(token);
  }

  @Query(() => PortalContext, { description: 'The consumer portal session making the call.' })
  portalSession(@Ctx() ctx: ApiContext) {
    const session = requirePortal(ctx.principal);
    return ctx.services.portal.context({
      tenantId: session.tenantId,
      applicationId: session.applicationId,
      capabilities: [...session.capabilities],
      expiresAt: session.expiresAt,
    });
  }

  @Query(() => PortalBranding, { description: 'How the consumer portal presents the tenant.' })
  portalBranding(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    return ctx.services.portal.branding(tenantId);
  }

  @Mutation(() => PortalBranding, { description: 'Display name, logo and accent colour.' })
  setPortalBranding(@Arg('input') input: PortalBrandingInput, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return ctx.services.portal.setBranding(tenantId, input);
  }
}
