import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { DeliveryEntity } from '@herald/db';
import { requireScope, requireTenant } from '../../auth/principal';
import { Batcher } from '../../graphql/batch';
import { assertInScope } from '../portal/scope';
import type { ApiContext } from '../../context';
import { toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import {
  AttemptsArgs,
  DeliveriesArgs,
  MessagesArgs,
  SendMessageInput,
  SendMessagesInput,
} from './message.input';
import {
  AttemptConnection,
  Delivery,
  DeliveryConnection,
  Message,
  MessageConnection,
  SendMessagePayload,
  SendMessagesPayload,
  toAttempt,
  toDelivery,
  toMessage,
} from './message.type';

@Resolver(() => Message)
export class MessageResolver {
  @Mutation(() => SendMessagePayload, { description: 'Publishes one event to an application.' })
  async sendMessage(@Arg('input') input: SendMessageInput, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    const [result] = await ctx.services.messages.send(tenantId, [input], {
      traceparent: ctx.traceparent,
    });
    return { message: toMessage(result.message), duplicate: result.duplicate };
  }

  @Mutation(() => SendMessagesPayload, { description: 'Publishes up to 1,000 events atomically.' })
  async sendMessages(@Arg('input') input: SendMessagesInput, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    const results = await ctx.services.messages.send(tenantId, input.messages, {
      traceparent: ctx.traceparent,
    });
    return {
      results: results.map((r) => ({ message: toMessage(r.message), duplicate: r.duplicate })),
      createdCount: results.filter((r) => !r.duplicate).length,
      duplicateCount: results.filter((r) => r.duplicate).length,
      deliveryCount: results.reduce((sum, r) => sum + r.deliveryCount, 0),
    };
  }

  @Mutation(() => Message, {
    description:
      "Deletes the message's payload now; the message, its deliveries and attempts stay. " +
      'Pending deliveries of it are cancelled, and it can no longer be resent.',
  })
  async expungeMessagePayload(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toMessage(await ctx.services.messages.expungePayload(tenantId, id));
  }

  @Query(() => Int, { description: 'Days a payload is kept before it is expunged.' })
  payloadRetentionDays(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    return ctx.services.messages.payloadRetentionDays(tenantId);
  }

  @Mutation(() => Int, { description: 'Sets the payload retention, 1 to 3650 days.' })
  setPayloadRetention(@Arg('days', () => Int) days: number, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return ctx.services.messages.setPayloadRetentionDays(tenantId, days);
  }

  @Query(() => Message)
  async message(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { messageId: id });
    return toMessage(await ctx.services.messages.get(scope.tenantId, id));
  }

  @Query(() => MessageConnection, { description: 'Newest first.' })
  async messages(@Args() args: MessagesArgs, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { application: args.application });
    const page = await ctx.services.messages.list(
      scope.tenantId,
      args.application,
      args,
      toPageArgs(args, 'msg'),
    );
    return toConnection(page, toMessage);
  }

  @Query(() => DeliveryConnection, { description: 'Deliveries of a message or to an endpoint.' })
  async deliveries(@Args() args: DeliveriesArgs, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { messageId: args.messageId, endpointId: args.endpointId });
    const page = await ctx.services.messages.listDeliveries(
      scope.tenantId,
      args,
      toPageArgs(args, 'dlv'),
    );
    return toConnection(page, toDelivery);
  }

  @Query(() => AttemptConnection, {
    description: 'Attempts of a message or to an endpoint, newest first.',
  })
  async attempts(@Args() args: AttemptsArgs, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'read');
    await assertInScope(ctx, scope, { messageId: args.messageId, endpointId: args.endpointId });
    const page = await ctx.services.messages.listAttempts(
      scope.tenantId,
      args,
      toPageArgs(args, 'atm'),
    );
    return toConnection(page, toAttempt);
  }

  @FieldResolver(() => [Delivery], {
    name: 'deliveries',
    description: 'One per endpoint it was routed to.',
  })
  async messageDeliveries(@Root() message: Message, @Ctx() ctx: ApiContext) {
    // The message itself was reached through a scope-checked query.
    const { tenantId } = requireScope(ctx.principal, 'read');
    return (await deliveriesLoader(ctx, tenantId).load(message.id)).map(toDelivery);
  }
}

/** One loader per request: the deliveries of every message on a page in one query. */
const loaders = new WeakMap<ApiContext, Batcher<string, DeliveryEntity[]>>();

function deliveriesLoader(ctx: ApiContext, tenantId: string): Batcher<string, DeliveryEntity[]> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new Batcher((ids) => ctx.services.messages.deliveriesOfMany(tenantId, ids));
    loaders.set(ctx, loader);
  }
  return loader;
}
