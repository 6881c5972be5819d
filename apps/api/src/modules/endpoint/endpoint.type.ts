import type { EndpointEntity } from '@herald/db';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { JSONObjectScalar } from '../common/scalars';

@ObjectType({ description: 'Success and failure counts over a window.' })
export class EndpointStats {
  @Field() since!: Date;
  @Field(() => Int, { description: 'Attempts that got a 2xx.' }) succeeded!: number;
  @Field(() => Int, { description: 'Attempts that failed.' }) failed!: number;
  @Field(() => Int, { description: 'Deliveries waiting for their next attempt.' }) pending!: number;
  @Field(() => Int, { description: 'Deliveries that used up every retry.' }) exhausted!: number;
}

@ObjectType({ description: "A URL of the application's that receives webhooks." })
export class Endpoint {
  @Field(() => ID) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field() url!: string;
  @Field() description!: string;
  @Field(() => [String], { nullable: true, description: 'null: every event type.' })
  eventTypes!: string[] | null;
  @Field(() => [String], { nullable: true, description: 'null: every channel.' })
  channels!: string[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) payloadFilter!: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { description: 'Custom headers sent with every delivery.' })
  headers!: Record<string, string>;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond!: number | null;
  @Field({ description: 'Deliver strictly in order, one at a time.' }) fifo!: boolean;
  @Field() disabled!: boolean;
  @Field(() => Date, { nullable: true }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true }) disabledReason!: string | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'A signing secret. Shown only to roles that may write.' })
export class EndpointSecret {
  @Field({ description: 'whsec_… Standard Webhooks secret.' }) key!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When a rotated-out secret stops being used.' })
  expiresAt!: Date | null;
}

export const EndpointConnection = ConnectionType(Endpoint, 'Endpoint');

export function toEndpoint(e: EndpointEntity): Endpoint {
  return {
    id: e.id,
    applicationId: e.applicationId,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    channels: e.channels,
    payloadFilter: e.payloadFilter,
    headers: e.headers,
    rateLimitPerSecond: e.rateLimitPerSecond,
    fifo: e.fifo,
    disabled: e.disabledAt !== null,
    disabledAt: e.disabledAt,
    disabledReason: e.disabledReason,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
