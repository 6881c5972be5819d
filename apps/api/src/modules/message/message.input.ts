import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../common/connection';
import { JSONObjectScalar } from '../common/scalars';
import { AttemptStatus, DeliveryStatus } from './message.type';

@InputType()
export class SendMessageInput {
  @Field({ description: 'app_ id or uid.' }) application!: string;
  @Field() eventType!: string;
  @Field(() => JSONObjectScalar) payload!: Record<string, unknown>;
  @Field(() => [String], { nullable: true }) channels?: string[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Repeats within 24 h return the original message.',
  })
  idempotencyKey?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The tenant's id for the event; deduplicated like an idempotency key.",
  })
  eventId?: string | null;
}

@InputType()
export class SendMessagesInput {
  @Field(() => [SendMessageInput], {
    description: 'Up to 1,000 messages, stored in one transaction.',
  })
  messages!: SendMessageInput[];
}

@ArgsType()
export class MessagesArgs extends PageArgs {
  @Field({ description: 'app_ id or uid.' }) application!: string;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => String, { nullable: true }) channel?: string | null;
  @Field(() => Date, { nullable: true, description: 'Inclusive.' }) since?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Exclusive.' }) until?: Date | null;
}

@ArgsType()
export class AttemptsArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) messageId?: string | null;
  @Field(() => ID, { nullable: true }) endpointId?: string | null;
  @Field(() => AttemptStatus, { nullable: true }) status?: 'SUCCEEDED' | 'FAILED' | null;
}

@ArgsType()
export class DeliveriesArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) messageId?: string | null;
  @Field(() => ID, { nullable: true }) endpointId?: string | null;
  @Field(() => DeliveryStatus, { nullable: true })
  status?: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'EXHAUSTED' | 'CANCELLED' | null;
}
