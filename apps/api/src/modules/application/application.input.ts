import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { JSONObjectScalar } from '../common/scalars';
import { PageArgs } from '../common/connection';

@InputType()
export class CreateApplicationInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) uid?: string | null;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond?: number | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'String values only.' })
  metadata?: Record<string, unknown> | null;
}

@InputType()
export class UpdateApplicationInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'Set to null to clear.' })
  uid?: string | null;
  @Field(() => Int, { nullable: true, description: 'Set to null for no limit.' })
  rateLimitPerSecond?: number | null;
  @Field(() => JSONObjectScalar, { nullable: true }) metadata?: Record<string, unknown> | null;
}

@ArgsType()
export class ApplicationsArgs extends PageArgs {
  @Field(() => String, { nullable: true }) uid?: string | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring.' })
  name?: string | null;
}
