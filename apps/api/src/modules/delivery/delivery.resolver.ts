import {
  Arg,
  Ctx,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { DeliveryEvent as DeliveryEventRow } from '@herald/db';
import { requireScope } from '../../auth/principal';
import { assertInScope } from '../portal/scope';
import type { ApiContext } from '../../context';
import { Delivery, DeliveryStatus, toDelivery } from '../message/message.type';

@ObjectType({ description: 'A delivery changed: created, attempted, succeeded, failed.' })
export class DeliveryEvent {
  @Field(() => ID) deliveryId!: string;
  @Field(() => ID) messageId!: string;
  @Field(() => ID) applicationId!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => DeliveryStatus) status!: string;
  @Field(() => ID, { nullable: true, description: 'The attempt that caused the change.' })
  attemptId!: string | null;
  @Field(() => Int, { nullable: true }) httpStatus!: number | null;
}

@Resolver()
export class DeliveryResolver {
  @Mutation(() => Delivery, { description: 'Sends the message to the endpoint once more, now.' })
  async resendMessage(
    @Arg('messageId', () => ID) messageId: string,
    @Arg('endpointId', () => ID) endpointId: string,
    @Ctx() ctx: ApiContext,
  ) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { messageId, endpointId });
    return toDelivery(
      await ctx.services.deliveries.resendMessage(scope.tenantId, messageId, endpointId),
    );
  }

  @Mutation(() => Delivery, {
    description: 'One more attempt of this delivery, now. Never reschedules.',
  })
  async retryDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { deliveryId: id });
    return toDelivery(await ctx.services.deliveries.retryDelivery(scope.tenantId, id));
  }

  @Mutation(() => Int, {
    description:
      'Re-sends every delivery to the endpoint that failed since `since`; returns how many.',
  })
  async recoverEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('since', () => Date) since: Date,
    @Ctx() ctx: ApiContext,
  ) {
    const scope = requireScope(ctx.principal, 'write');
    await assertInScope(ctx, scope, { endpointId: id });
    return ctx.services.deliveries.recoverEndpoint(scope.tenantId, id, since);
  }

  @Subscription(() => DeliveryEvent, {
    description: 'Live delivery log of one application (graphql-ws on /graphql).',
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, { application: string }, ApiContext>) => {
      const scope = requireScope(context.principal, 'read');
      await assertInScope(context, scope, { application: args.application });
      const { tenantId } = scope;
      const app = await context.services.applications.get(tenantId, args.application);
      return context.services.events.subscribe(tenantId, app.id);
    },
  })
  deliveryEvents(
    @Arg('application', { description: 'app_ id or uid.' }) _application: string,
    @Root() event: DeliveryEventRow,
  ): DeliveryEvent {
    return event;
  }
}
