import type { NonEmptyArray } from 'type-graphql';
import { ApiKeyResolver } from './api-key/api-key.resolver';
import { ApplicationResolver } from './application/application.resolver';
import { BillingResolver } from './billing/billing.resolver';
import { DeliveryResolver } from './delivery/delivery.resolver';
import { EndpointResolver } from './endpoint/endpoint.resolver';
import { EventTypeResolver } from './event-type/event-type.resolver';
import { MemberResolver } from './member/member.resolver';
import { MessageResolver } from './message/message.resolver';
import { PortalResolver } from './portal/portal.resolver';
import { TenantResolver } from './tenant/tenant.resolver';

/** Every feature module's resolvers, registered in one place. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  TenantResolver,
  MemberResolver,
  ApiKeyResolver,
  ApplicationResolver,
  EventTypeResolver,
  EndpointResolver,
  MessageResolver,
  DeliveryResolver,
  BillingResolver,
  PortalResolver,
];
