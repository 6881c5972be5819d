import type { ApiConfig } from '@herald/config';
import {
  BillingService as StripeBilling,
  createStripe,
  definePlans,
  PgBillingStore,
} from '@herald/billing-core';
import { SecretCipher, type Database } from '@herald/db';
import type { Authenticator } from './auth/authenticator';
import { IdentityThrottles } from './auth/throttles';
import type { Mailer } from './mail/mailer';
import { ApiKeyService } from './modules/api-key/api-key.service';
import { ApplicationService } from './modules/application/application.service';
import { BillingService } from './modules/billing/billing.service';
import { DeliveryControlService } from './modules/delivery/delivery.service';
import type { DeliveryEventHub } from './events/delivery-events';
import { EndpointService } from './modules/endpoint/endpoint.service';
import { EndpointUrlGuard, type ResolveHost } from './modules/endpoint/url-guard';
import { EventTypeService } from './modules/event-type/event-type.service';
import { JsonSchemaValidator } from './modules/event-type/json-schema';
import { SchemaPool } from './modules/event-type/schema-pool';
import { MemberService } from './modules/member/member.service';
import type { DeliveryHandOff } from '@herald/temporal';
import { MessageService } from './modules/message/message.service';
import { PortalService } from './modules/portal/portal.service';
import { TenantService } from './modules/tenant/tenant.service';

export interface Services {
  tenants: TenantService;
  members: MemberService;
  apiKeys: ApiKeyService;
  applications: ApplicationService;
  eventTypes: EventTypeService;
  endpoints: EndpointService;
  messages: MessageService;
  deliveries: DeliveryControlService;
  billing: BillingService;
  portal: PortalService;
  events: Pick<DeliveryEventHub, 'subscribe'>;
  /** Tells open WebSockets to re-check their credentials after one was revoked or changed. */
  credentials: Pick<Authenticator, 'revoked'>;
  /** Ends what the services started (schema validation threads, the SMTP connection). */
  close(): Promise<void>;
}

export interface ServiceDeps {
  config: ApiConfig;
  db: Database;
  authenticator: Authenticator;
  dispatcher: DeliveryHandOff;
  events: Pick<DeliveryEventHub, 'subscribe'>;
  resolveHost?: ResolveHost;
  mailer: Mailer;
  logger: { warn(msg: string, fields?: Record<string, unknown>): void };
}

export function createServices({
  config,
  db,
  authenticator,
  dispatcher,
  events,
  resolveHost,
  mailer,
  logger,
}: ServiceDeps): Services {
  // Save-time checks compile on the event loop (compilation is linear); publish-time validation
  // runs in worker threads under a budget, where a schema's shape can still multiply the work.
  const schemas = new JsonSchemaValidator();
  const schemaPool = new SchemaPool(config.limits.schemaValidationBudgetMs);
  const urlGuard = new EndpointUrlGuard(
    { allowHttp: config.security.allowHttp, allowList: config.security.ssrfAllowList },
    resolveHost,
  );
  const applications = new ApplicationService(db);
  const portal = new PortalService(
    db,
    applications,
    config.publicUrl,
    config.security.portalSessionTtlMs,
  );
  authenticator.usePortalSessions(portal);
  return {
    tenants: new TenantService(db, config.security.sessionTtlMs, {
      throttles: new IdentityThrottles(db, config.throttles),
      mailer,
      publicUrl: config.publicUrl,
      logger,
    }),
    members: new MemberService(db, mailer, config.publicUrl),
    apiKeys: new ApiKeyService(db, (id) => authenticator.evictApiKey(id)),
    applications,
    eventTypes: new EventTypeService(db, schemas),
    endpoints: new EndpointService(
      db,
      urlGuard,
      new SecretCipher(config.security.encryptionKey),
      config.security.secretRotationGraceMs,
    ),
    messages: new MessageService(db, schemaPool, config.limits, config.plans, dispatcher),
    deliveries: new DeliveryControlService(db, dispatcher),
    billing: createBilling(config, db),
    portal,
    events,
    credentials: authenticator,
    close: async () => {
      mailer.close();
      await schemaPool.close();
    },
  };
}

function createBilling(config: ServiceDeps['config'], db: Database): BillingService {
  const catalog = definePlans(config.billing.plans);
  const stripe = new StripeBilling({
    stripe: createStripe({
      secretKey: config.billing.stripe.secretKey,
      apiBase: config.billing.stripe.apiBase,
    }),
    store: new PgBillingStore(db),
    plans: catalog,
    meterEventName: config.billing.plans.meterEventName,
  });
  return new BillingService({
    db,
    limits: config.plans,
    catalog,
    stripe,
    publicUrl: config.publicUrl,
  });
}
