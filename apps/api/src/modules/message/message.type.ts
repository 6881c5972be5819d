import type { AttemptEntity, DeliveryEntity, MessageEntity } from '@herald/db';
import { ATTEMPT_STATUSES, ATTEMPT_TRIGGERS, DELIVERY_STATUSES } from '@herald/db';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { JSONObjectScalar } from '../common/scalars';

export const DeliveryStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, s])) as {
  [K in (typeof DELIVERY_STATUSES)[number]]: K;
};
export const AttemptStatus = Object.fromEntries(ATTEMPT_STATUSES.map((s) => [s, s])) as {
  [K in (typeof ATTEMPT_STATUSES)[number]]: K;
};
export const AttemptTrigger = Object.fromEntries(ATTEMPT_TRIGGERS.map((s) => [s, s])) as {
  [K in (typeof ATTEMPT_TRIGGERS)[number]]: K;
};
registerEnumType(DeliveryStatus, { name: 'DeliveryStatus' });
registerEnumType(AttemptStatus, { name: 'AttemptStatus' });
registerEnumType(AttemptTrigger, { name: 'AttemptTrigger' });

@ObjectType({ description: 'An event sent to an application.' })
export class Message {
  @Field(() => ID, { description: 'Also the webhook-id header of every delivery.' }) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field() eventType!: string;
  @Field(() => String, { nullable: true }) eventId!: string | null;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'null once expunged (retention or expungeMessagePayload).',
  })
  payload!: unknown;
  @Field(() => [String], { nullable: true }) channels!: string[] | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) payloadExpungedAt!: Date | null;
}

@ObjectType({ description: 'A message on its way to one endpoint.' })
export class Delivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) messageId!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => DeliveryStatus) status!: DeliveryEntity['status'];
  @Field(() => Int) attemptCount!: number;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastAttemptAt!: Date | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'One HTTP request of a delivery.' })
export class Attempt {
  @Field(() => ID) id!: string;
  @Field(() => ID) deliveryId!: string;
  @Field(() => ID) messageId!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => AttemptStatus) status!: AttemptEntity['status'];
  @Field(() => AttemptTrigger) trigger!: AttemptEntity['trigger'];
  @Field(() => Int, { nullable: true }) httpStatus!: number | null;
  @Field(() => String, { nullable: true, description: 'timeout, refused, reset, dns, tls, ssrf…' })
  errorKind!: string | null;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true, description: 'First 4 KiB of the response body.' })
  responseExcerpt!: string | null;
  @Field(() => JSONObjectScalar, { nullable: true }) requestHeaders!: Record<string, string> | null;
  @Field() attemptedAt!: Date;
}

@ObjectType()
export class SendMessagePayload {
  @Field(() => Message) message!: Message;
  @Field({ description: 'True when the idempotency key was seen before: nothing new was created.' })
  duplicate!: boolean;
}

@ObjectType()
export class SendMessagesPayload {
  @Field(() => [SendMessagePayload]) results!: SendMessagePayload[];
  @Field(() => Int) createdCount!: number;
  @Field(() => Int) duplicateCount!: number;
  @Field(() => Int, { description: 'Deliveries created across the batch.' }) deliveryCount!: number;
}

export const MessageConnection = ConnectionType(Message, 'Message');
export const DeliveryConnection = ConnectionType(Delivery, 'Delivery');
export const AttemptConnection = ConnectionType(Attempt, 'Attempt');

export function toMessage(e: Pick<MessageEntity, keyof Message>): Message {
  return {
    id: e.id,
    applicationId: e.applicationId,
    eventType: e.eventType,
    eventId: e.eventId,
    payload: e.payload,
    channels: e.channels,
    createdAt: e.createdAt,
    payloadExpungedAt: e.payloadExpungedAt ?? null,
  };
}

export function toDelivery(e: DeliveryEntity): Delivery {
  return {
    id: e.id,
    messageId: e.messageId,
    endpointId: e.endpointId,
    status: e.status,
    attemptCount: e.attemptCount,
    nextAttemptAt: e.nextAttemptAt,
    lastAttemptAt: e.lastAttemptAt,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function toAttempt(e: AttemptEntity): Attempt {
  return {
    id: e.id,
    deliveryId: e.deliveryId,
    messageId: e.messageId,
    endpointId: e.endpointId,
    status: e.status,
    trigger: e.trigger,
    httpStatus: e.httpStatus,
    errorKind: e.errorKind,
    durationMs: e.durationMs,
    responseExcerpt: e.responseExcerpt,
    requestHeaders: e.requestHeaders,
    attemptedAt: e.attemptedAt,
  };
}
