import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';

export const PortalCapability = { READ: 'READ', WRITE: 'WRITE' } as const;
export type PortalCapability = (typeof PortalCapability)[keyof typeof PortalCapability];
registerEnumType(PortalCapability, {
  name: 'PortalCapability',
  description: 'READ: see endpoints, event types and the message log. WRITE: also change them.',
});

@ObjectType({ description: "How the consumer portal presents itself (the tenant's brand)." })
export class PortalBranding {
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field(() => String, { nullable: true }) logoUrl!: string | null;
  @Field(() => String, { nullable: true, description: '#rrggbb' }) accentColor!: string | null;
}

@InputType()
export class PortalBrandingInput {
  @Field(() => String, { nullable: true, description: 'Up to 80 characters.' })
  displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'An absolute https (or http) URL.' })
  logoUrl?: string | null;
  @Field(() => String, { nullable: true, description: '#rrggbb' }) accentColor?: string | null;
}

@ObjectType({ description: 'A one-time link into the consumer portal for one application.' })
export class PortalLink {
  @Field({ description: 'Give this to the customer; it works once, until expiresAt.' })
  url!: string;
  @Field({ description: 'The one-time token inside the URL.' }) token!: string;
  @Field() expiresAt!: Date;
  @Field(() => ID) applicationId!: string;
  @Field(() => [PortalCapability]) capabilities!: PortalCapability[];
}

@ObjectType()
export class PortalApplication {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) uid!: string | null;
}

@ObjectType({ description: 'A consumer portal session, limited to one application.' })
export class PortalSession {
  @Field({ description: 'Bearer token for the API; only returned by exchangePortalToken.' })
  sessionToken!: string;
  @Field() expiresAt!: Date;
  @Field(() => [PortalCapability]) capabilities!: PortalCapability[];
  @Field(() => PortalApplication) application!: PortalApplication;
  @Field(() => PortalBranding) branding!: PortalBranding;
}

@ObjectType({ description: 'The current consumer portal session (without its token).' })
export class PortalContext {
  @Field() expiresAt!: Date;
  @Field(() => [PortalCapability]) capabilities!: PortalCapability[];
  @Field(() => PortalApplication) application!: PortalApplication;
  @Field(() => PortalBranding) branding!: PortalBranding;
}
