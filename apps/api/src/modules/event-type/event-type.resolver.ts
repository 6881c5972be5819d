import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireScope, requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import { CreateEventTypeInput, EventTypesArgs, UpdateEventTypeInput } from './event-type.input';
import { EventType, EventTypeConnection, toEventType } from './event-type.type';

@Resolver(() => EventType)
export class EventTypeResolver {
  @Mutation(() => EventType)
  async createEventType(@Arg('input') input: CreateEventTypeInput, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toEventType(await ctx.services.eventTypes.create(tenantId, input));
  }

  @Mutation(() => EventType)
  async updateEventType(
    @Arg('name', { description: 'Event type name or et_ id.' }) name: string,
    @Arg('input') input: UpdateEventTypeInput,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toEventType(await ctx.services.eventTypes.update(tenantId, name, input));
  }

  @Mutation(() => EventType, {
    description: 'Hides the event type from catalogues; messages of it are still accepted.',
  })
  async archiveEventType(
    @Arg('name') name: string,
    @Arg('archived', () => Boolean, { defaultValue: true, description: 'false restores it.' })
    archived: boolean,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toEventType(await ctx.services.eventTypes.setArchived(tenantId, name, archived));
  }

  @Query(() => EventType)
  async eventType(@Arg('name') name: string, @Ctx() ctx: ApiContext) {
    // The catalogue is the tenant's public contract: consumer portal sessions may read it.
    const { tenantId } = requireScope(ctx.principal, 'read');
    return toEventType(await ctx.services.eventTypes.get(tenantId, name));
  }

  @Query(() => EventTypeConnection)
  async eventTypes(@Args() args: EventTypesArgs, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireScope(ctx.principal, 'read');
    const page = await ctx.services.eventTypes.list(tenantId, args, toPageArgs(args, 'et'));
    return toConnection(page, toEventType);
  }
}
