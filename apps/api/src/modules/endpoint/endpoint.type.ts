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
  /**
   * Not a GraphQL field: the `headers` field resolver decides per caller what of it to show, so
   * a value (often a receiver's credential) can only leave through that one check.
   */
  headerValues!: Record<string, string>;
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

export const MASKED_HEADER_VALUE = '[redacted]';

/**
 * Custom header values are write-only for callers that may not change the endpoint, as signing
 * secrets are: they are typically the receiver's credentials (`Authorization: Bearer …`).
 * Writers see them, since they need them to edit the headers and could in any case point the
 * endpoint at a receiver of their own and read them there.
 */
export function headersFor(endpoint: Endpoint, canWrite: boolean): Record<string, string> {
  if (canWrite) return endpoint.headerValues;
  return Object.fromEntries(
    Object.keys(endpoint.headerValues).map((name) => [name, MASKED_HEADER_VALUE]),
  );
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
    headerValues: e.headers,
    rateLimitPerSecond: e.rateLimitPerSecond,
    fifo: e.fifo,
    disabled: e.disabledAt !== null,
    disabledAt: e.disabledAt,
    disabledReason: e.disabledReason,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
