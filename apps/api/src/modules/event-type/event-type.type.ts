import type { EventTypeEntity } from '@herald/db';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { JSONObjectScalar, JSONScalar } from '../common/scalars';

@ObjectType({ description: 'A kind of event the tenant sends, e.g. invoice.paid.' })
export class EventType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'JSON Schema payloads must match.',
  })
  schema!: Record<string, unknown> | null;
  @Field(() => JSONScalar, { nullable: true }) example!: unknown;
  @Field() archived!: boolean;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const EventTypeConnection = ConnectionType(EventType, 'EventType');

export function toEventType(e: EventTypeEntity): EventType {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    schema: e.schema,
    example: e.example,
    archived: e.archivedAt !== null,
    archivedAt: e.archivedAt,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
