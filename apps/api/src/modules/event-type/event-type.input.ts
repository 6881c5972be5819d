import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../common/connection';
import { JSONObjectScalar, JSONScalar } from '../common/scalars';

@InputType()
export class CreateEventTypeInput {
  @Field({ description: 'Dotted name such as invoice.paid.' }) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true }) schema?: Record<string, unknown> | null;
  @Field(() => JSONScalar, { nullable: true }) example?: unknown;
}

@InputType()
export class UpdateEventTypeInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Set to null to remove.' })
  schema?: Record<string, unknown> | null;
  @Field(() => JSONScalar, { nullable: true }) example?: unknown;
}

@ArgsType()
export class EventTypesArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false }) includeArchived?: boolean | null;
  @Field(() => String, { nullable: true }) namePrefix?: string | null;
}
