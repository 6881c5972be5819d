import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../common/connection';
import { JSONObjectScalar } from '../common/scalars';

@InputType()
export class CreateEndpointInput {
  @Field({ description: 'app_ id or uid.' }) application!: string;
  @Field() url!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => [String], { nullable: true }) channels?: string[] | null;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'e.g. {"data.amount": {"$gt": 100}}',
  })
  payloadFilter?: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { nullable: true }) headers?: Record<string, unknown> | null;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond?: number | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) fifo?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description: 'whsec_… initial secret; generated if omitted.',
  })
  secret?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) disabled?: boolean | null;
}

@InputType()
export class UpdateEndpointInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => [String], { nullable: true }) channels?: string[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) payloadFilter?: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { nullable: true }) headers?: Record<string, unknown> | null;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond?: number | null;
  @Field(() => Boolean, { nullable: true }) fifo?: boolean | null;
}

@ArgsType()
export class EndpointsArgs extends PageArgs {
  @Field({ description: 'app_ id or uid.' }) application!: string;
  @Field(() => Boolean, { nullable: true }) disabled?: boolean | null;
}

@ArgsType()
export class RotateSecretArgs {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'whsec_… new secret; generated if omitted.' })
  key?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'How long the old secret stays valid (default 24 h).',
  })
  gracePeriodSeconds?: number | null;
}
