import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { mayWrite, requireScope } from '../../auth/principal';
import { JSONObjectScalar } from '../common/scalars';
import { checkTime } from '../common/validate';
import { assertInScope } from '../portal/scope';
import type { ApiContext } from '../../context';
import { toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import {
  CreateEndpointInput,
  EndpointsArgs,
  RotateSecretArgs,
  UpdateEndpointInput,
} from './endpoint.input';
import {
  Endpoint,
  EndpointConnection,
  EndpointSecret,
  EndpointStats,
  headersFor,
  toEndpoint,
} from './endpoint.type';

const DAY_MS = 86_400_000;

@Resolver(() => Endpoint)
export class EndpointResolver {
  @Mutation(() => Endpoint)
  async createEndpoint(@Arg('input') input: CreateEndpointInput, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { application: input.application });
    return toEndpoint(await ctx.services.endpoints.create(scope.tenantId, input));
  }

  @Mutation(() => Endpoint)
  async updateEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateEndpointInput,
    @Ctx() ctx: ApiContext,
  ) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return toEndpoint(await ctx.services.endpoints.update(tenantId, id, input));
  }

  @Mutation(() => ID, { description: 'Deletes the endpoint and cancels its pending deliveries.' })
  async deleteEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return ctx.services.endpoints.delete(tenantId, id);
  }

  @Mutation(() => Endpoint)
  async enableEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return toEndpoint(await ctx.services.endpoints.setDisabled(tenantId, id, false, null));
  }

  @Mutation(() => Endpoint)
  async disableEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return toEndpoint(await ctx.services.endpoints.setDisabled(tenantId, id, true, reason));
  }

  @Query(() => EndpointSecret, { description: 'Reveals the current signing secret.' })
  async endpointSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    // Revealing a secret is as sensitive as changing the endpoint.
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return ctx.services.endpoints.revealSecret(tenantId, id);
  }

  @Mutation(() => EndpointSecret)
  async rotateEndpointSecret(@Args() args: RotateSecretArgs, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: args.id });
    return ctx.services.endpoints.rotateSecret(
      scope.tenantId,
      args.id,
      args.key,
      args.gracePeriodSeconds,
    );
  }

  @Query(() => Endpoint)
  async endpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { endpointId: id });
    const { tenantId } = scope;
    return toEndpoint(await ctx.services.endpoints.get(tenantId, id));
  }

  @Query(() => EndpointConnection)
  async endpoints(@Args() args: EndpointsArgs, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { application: args.application });
    const page = await ctx.services.endpoints.list(
      scope.tenantId,
      args.application,
      args,
      toPageArgs(args, 'ep'),
    );
    return toConnection(page, toEndpoint);
  }

  @FieldResolver(() => JSONObjectScalar, {
    description:
      'Custom headers sent with every delivery. Values are shown only to callers that may change ' +
      'the endpoint (developer and above, WRITE portal sessions); others get "[redacted]".',
  })
  headers(@Root() endpoint: Endpoint, @Ctx() ctx: ApiContext): Record<string, string> {
    // The endpoint was reached through a scope-checked query; this only decides what it shows.
    return headersFor(endpoint, mayWrite(ctx.principal));
  }

  @FieldResolver(() => EndpointStats, { description: 'Counts since `since` (default: last 24 h).' })
  async stats(
    @Root() endpoint: Endpoint,
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
    @Ctx() ctx: ApiContext,
  ) {
    // The endpoint itself was reached through a scope-checked query.
    const { tenantId } = requireScope(ctx.principal, 'read');
    const from = since ?? new Date(Date.now() - DAY_MS);
    checkTime('since', from);
    return { since: from, ...(await ctx.services.endpoints.stats(tenantId, endpoint.id, from)) };
  }
}
