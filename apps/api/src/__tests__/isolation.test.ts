import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '@herald/db';
import type { DispatchItem } from '@herald/temporal';
import type { DeliveryControlService } from '../modules/delivery/delivery.service';
import { codeOf, OPERATOR_TOKEN, startTestApi, type GqlResult, type TestApi } from './harness';

/*
 * The tenant-isolation matrix. Tenant A's credentials (an admin API key and the owner's
 * session) are aimed at every operation that names a resource, with tenant B's ids, uids and
 * names; each must answer NOT_FOUND and leave every row of B exactly as it was.
 *
 * Operations are data: adding one to the schema without classifying it here fails the
 * coverage tests below.
 */

// Loaded like the harness loads the server: the built CommonJS output.
const load = createRequire(__filename);
const { notifyDeliveryEvents } = load('@herald/db') as typeof import('@herald/db');
const { DeliveryControlService: DeliveryControl } = load(
  '../../dist/modules/delivery/delivery.service.js',
) as {
  DeliveryControlService: typeof DeliveryControlService;
};
const WebSocket = load('ws') as typeof import('ws');

let api: TestApi;
/** What the manual delivery operations handed to the (fake) Temporal dispatcher. */
const dispatched: { tenantId: string; items: DispatchItem[] }[] = [];

/** Everything one tenant owns that an operation can address. */
interface Targets {
  tenantId: string;
  adminKey: string;
  ownerToken: string;
  appId: string;
  appUid: string;
  appName: string;
  /** A second application, so the uid and id delete variants each have one to delete. */
  app2Id: string;
  app2Uid: string;
  endpointId: string;
  endpointSecret: string;
  eventTypeName: string;
  eventTypeId: string;
  messageId: string;
  deliveryId: string;
  memberId: string;
  pendingMemberId: string;
  ownerMemberId: string;
  spareKeyId: string;
  adminKeyId: string;
}

type Vars = Record<string, unknown>;

interface Op {
  label: string;
  /** The root field it exercises, for the coverage checks. */
  field: string;
  doc: string;
  vars?: (t: Targets) => Vars;
  /** What the owner gets when aiming it at their own tenant (default: success). */
  ownCode?: string;
}

const isMutation = (op: Op) => op.doc.trimStart().startsWith('mutation');

/**
 * Operations that address a resource by id, uid or name. Ordered so the destructive ones come
 * last: the final test replays them against A's own resources and expects them to work.
 */
// prettier-ignore
const RESOURCE_OPS: Op[] = [
  { label: 'application by id', field: 'application', doc: `query($id: ID) { application(id: $id) { id name } }`, vars: (t) => ({ id: t.appId }) },
  { label: 'application by uid', field: 'application', doc: `query($uid: String) { application(uid: $uid) { id name } }`, vars: (t) => ({ uid: t.appUid }) },
  { label: 'endpoints of application id', field: 'endpoints', doc: `query($a: String!) { endpoints(application: $a) { nodes { id url } } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'endpoints of application uid', field: 'endpoints', doc: `query($a: String!) { endpoints(application: $a) { nodes { id url } } }`, vars: (t) => ({ a: t.appUid }) },
  { label: 'endpoint', field: 'endpoint', doc: `query($id: ID!) { endpoint(id: $id) { id url headers } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'endpoint stats', field: 'endpoint', doc: `query($id: ID!) { endpoint(id: $id) { stats { succeeded failed pending exhausted } } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'endpointSecret', field: 'endpointSecret', doc: `query($id: ID!) { endpointSecret(id: $id) { key } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'eventType by name', field: 'eventType', doc: `query($n: String!) { eventType(name: $n) { id schema } }`, vars: (t) => ({ n: t.eventTypeName }) },
  { label: 'eventType by et_ id', field: 'eventType', doc: `query($n: String!) { eventType(name: $n) { id schema } }`, vars: (t) => ({ n: t.eventTypeId }) },
  { label: 'messages of application id', field: 'messages', doc: `query($a: String!) { messages(application: $a) { nodes { id payload } } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'messages of application uid', field: 'messages', doc: `query($a: String!) { messages(application: $a) { nodes { id payload } } }`, vars: (t) => ({ a: t.appUid }) },
  { label: 'message', field: 'message', doc: `query($id: ID!) { message(id: $id) { id payload deliveries { id } } }`, vars: (t) => ({ id: t.messageId }) },
  { label: 'deliveries of message', field: 'deliveries', doc: `query($id: ID) { deliveries(messageId: $id) { nodes { id status } } }`, vars: (t) => ({ id: t.messageId }) },
  { label: 'deliveries to endpoint', field: 'deliveries', doc: `query($id: ID) { deliveries(endpointId: $id) { nodes { id status } } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'attempts of message', field: 'attempts', doc: `query($id: ID) { attempts(messageId: $id) { nodes { id httpStatus } } }`, vars: (t) => ({ id: t.messageId }) },
  { label: 'attempts to endpoint', field: 'attempts', doc: `query($id: ID) { attempts(endpointId: $id) { nodes { id httpStatus } } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'updateApplication by id', field: 'updateApplication', doc: `mutation($id: ID!) { updateApplication(id: $id, input: { name: "hijacked", metadata: { by: "A" } }) { id } }`, vars: (t) => ({ id: t.appId }) },
  { label: 'updateApplication by uid', field: 'updateApplication', doc: `mutation($id: ID!) { updateApplication(id: $id, input: { rateLimitPerSecond: 1, metadata: { by: "A" } }) { id } }`, vars: (t) => ({ id: t.appUid }) },
  { label: 'createEndpoint for application id', field: 'createEndpoint', doc: `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/stolen" }) { id } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'createEndpoint for application uid', field: 'createEndpoint', doc: `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/stolen" }) { id } }`, vars: (t) => ({ a: t.appUid }) },
  { label: 'updateEndpoint', field: 'updateEndpoint', doc: `mutation($id: ID!) { updateEndpoint(id: $id, input: { url: "http://127.0.0.1:9/hijacked", description: "hijacked" }) { id } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'disableEndpoint', field: 'disableEndpoint', doc: `mutation($id: ID!) { disableEndpoint(id: $id, reason: "by A") { id } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'enableEndpoint', field: 'enableEndpoint', doc: `mutation($id: ID!) { enableEndpoint(id: $id) { id } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'rotateEndpointSecret', field: 'rotateEndpointSecret', doc: `mutation($id: ID!) { rotateEndpointSecret(id: $id, gracePeriodSeconds: 0) { key } }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'resendMessage', field: 'resendMessage', doc: `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`, vars: (t) => ({ m: t.messageId, e: t.endpointId }) },
  { label: 'retryDelivery', field: 'retryDelivery', doc: `mutation($id: ID!) { retryDelivery(id: $id) { id } }`, vars: (t) => ({ id: t.deliveryId }) },
  { label: 'recoverEndpoint', field: 'recoverEndpoint', doc: `mutation($id: ID!) { recoverEndpoint(id: $id, since: "2000-01-01T00:00:00Z") }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'updateEventType by name', field: 'updateEventType', doc: `mutation($n: String!) { updateEventType(name: $n, input: { description: "hijacked", schema: null }) { id } }`, vars: (t) => ({ n: t.eventTypeName }) },
  { label: 'updateEventType by et_ id', field: 'updateEventType', doc: `mutation($n: String!) { updateEventType(name: $n, input: { description: "hijacked" }) { id } }`, vars: (t) => ({ n: t.eventTypeId }) },
  { label: 'archiveEventType by name', field: 'archiveEventType', doc: `mutation($n: String!) { archiveEventType(name: $n) { id } }`, vars: (t) => ({ n: t.eventTypeName }) },
  { label: 'archiveEventType by et_ id (restore)', field: 'archiveEventType', doc: `mutation($n: String!) { archiveEventType(name: $n, archived: false) { id } }`, vars: (t) => ({ n: t.eventTypeId }) },
  { label: 'sendMessage to application id', field: 'sendMessage', doc: `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "injected.event", payload: { by: "A" } }) { message { id } } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'sendMessage to application uid', field: 'sendMessage', doc: `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "injected.event", payload: { by: "A" } }) { message { id } } }`, vars: (t) => ({ a: t.appUid }) },
  { label: 'sendMessages to application id', field: 'sendMessages', doc: `mutation($a: String!) { sendMessages(input: { messages: [{ application: $a, eventType: "injected.event", payload: {} }] }) { createdCount } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'sendMessages to application uid', field: 'sendMessages', doc: `mutation($a: String!) { sendMessages(input: { messages: [{ application: $a, eventType: "injected.event", payload: {} }] }) { createdCount } }`, vars: (t) => ({ a: t.appUid }) },
  { label: 'updateMemberRole of a member', field: 'updateMemberRole', doc: `mutation($id: ID!) { updateMemberRole(id: $id, role: admin) { id } }`, vars: (t) => ({ id: t.memberId }) },
  { label: 'updateMemberRole of the owner', field: 'updateMemberRole', doc: `mutation($id: ID!) { updateMemberRole(id: $id, role: viewer) { id } }`, vars: (t) => ({ id: t.ownerMemberId }), ownCode: 'CONFLICT' },
  { label: 'removeMember of a pending invitation', field: 'removeMember', doc: `mutation($id: ID!) { removeMember(id: $id) }`, vars: (t) => ({ id: t.pendingMemberId }) },
  { label: 'removeMember of a member', field: 'removeMember', doc: `mutation($id: ID!) { removeMember(id: $id) }`, vars: (t) => ({ id: t.memberId }) },
  { label: 'removeMember of the owner', field: 'removeMember', doc: `mutation($id: ID!) { removeMember(id: $id) }`, vars: (t) => ({ id: t.ownerMemberId }), ownCode: 'CONFLICT' },
  { label: 'revokeApiKey of a developer key', field: 'revokeApiKey', doc: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, vars: (t) => ({ id: t.spareKeyId }) },
  { label: 'revokeApiKey of the admin key', field: 'revokeApiKey', doc: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, vars: (t) => ({ id: t.adminKeyId }) },
  { label: 'expungeMessagePayload', field: 'expungeMessagePayload', doc: `mutation($id: ID!) { expungeMessagePayload(id: $id) { id } }`, vars: (t) => ({ id: t.messageId }) },
  { label: 'createPortalSession', field: 'createPortalSession', doc: `mutation($a: ID!) { createPortalSession(applicationId: $a) { url } }`, vars: (t) => ({ a: t.appId }) },
  { label: 'revokePortalSessions', field: 'revokePortalSessions', doc: `mutation($a: ID!) { revokePortalSessions(applicationId: $a) }`, vars: (t) => ({ a: t.app2Uid }) },
  { label: 'deleteEndpoint', field: 'deleteEndpoint', doc: `mutation($id: ID!) { deleteEndpoint(id: $id) }`, vars: (t) => ({ id: t.endpointId }) },
  { label: 'deleteApplication by uid', field: 'deleteApplication', doc: `mutation($id: ID!) { deleteApplication(id: $id) }`, vars: (t) => ({ id: t.app2Uid }) },
  { label: 'deleteApplication by id', field: 'deleteApplication', doc: `mutation($id: ID!) { deleteApplication(id: $id) }`, vars: (t) => ({ id: t.appId }) },
];

/** Tenant operations that name no resource: the tenant comes from the credentials alone. */
// prettier-ignore
const TENANT_WIDE_OPS: Op[] = [
  { label: 'applications', field: 'applications', doc: `query { applications { nodes { id } } }` },
  { label: 'eventTypes', field: 'eventTypes', doc: `query { eventTypes { nodes { id } } }` },
  { label: 'members', field: 'members', doc: `query { members { nodes { id } } }` },
  { label: 'apiKeys', field: 'apiKeys', doc: `query { apiKeys { nodes { id } } }` },
  { label: 'viewer', field: 'viewer', doc: `query { viewer { role } }` },
  { label: 'operationalApplication', field: 'operationalApplication', doc: `query { operationalApplication { id } }` },
  { label: 'enableOperationalWebhooks', field: 'enableOperationalWebhooks', doc: `mutation { enableOperationalWebhooks { id } }` },
  { label: 'tenants', field: 'tenants', doc: `query { tenants { nodes { id } } }` },
  { label: 'createApplication', field: 'createApplication', doc: `mutation { createApplication(input: { name: "intruder" }) { id } }` },
  { label: 'createEventType', field: 'createEventType', doc: `mutation { createEventType(input: { name: "intruder.event" }) { id } }` },
  { label: 'createApiKey', field: 'createApiKey', doc: `mutation { createApiKey(input: { name: "intruder", role: viewer }) { key } }` },
  { label: 'inviteMember', field: 'inviteMember', doc: `mutation { inviteMember(email: "intruder@example.com", role: viewer) { invitationSentTo } }` },
  { label: 'createTenant', field: 'createTenant', doc: `mutation { createTenant(input: { name: "Intruder" }) { apiKey } }` },
  { label: 'billing', field: 'billing', doc: `query { billing { plan messages quota } }` },
  { label: 'createCheckoutSession', field: 'createCheckoutSession', doc: `mutation { createCheckoutSession(plan: pro) { url } }` },
  { label: 'createBillingPortalSession', field: 'createBillingPortalSession', doc: `mutation { createBillingPortalSession { url } }` },
  { label: 'setTenantPlan', field: 'setTenantPlan', doc: `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: enterprise) }`, vars: (t) => ({ t: t.tenantId }) },
  { label: 'payloadRetentionDays', field: 'payloadRetentionDays', doc: `query { payloadRetentionDays }` },
  { label: 'setPayloadRetention', field: 'setPayloadRetention', doc: `mutation { setPayloadRetention(days: 1) }` },
  { label: 'portalBranding', field: 'portalBranding', doc: `query { portalBranding { displayName } }` },
  { label: 'setPortalBranding', field: 'setPortalBranding', doc: `mutation { setPortalBranding(input: { displayName: "Intruder" }) { displayName } }` },
  { label: 'logOut', field: 'logOut', doc: `mutation { logOut }` },
  { label: 'requestEmailVerification', field: 'requestEmailVerification', doc: `mutation { requestEmailVerification }` },
];
/** About the caller's own session or account: every role may call them. */
const SELF_SERVICE = ['logOut', 'requestEmailVerification'];

/** Anyone may call these; they authenticate by what they are given. */
const PUBLIC_FIELDS = ['signUp', 'logIn', 'acceptInvitation', 'verifyEmail', 'exchangePortalToken'];
/** Only a consumer portal session may call these: tested in the portal block below. */
const PORTAL_FIELDS = ['portalSession'];
/** Subscriptions run over graphql-ws, not HTTP: tested in their own block below. */
const SUBSCRIPTION_FIELDS = ['deliveryEvents'];
/** Read-side operations that still need more than the viewer role. */
const PRIVILEGED_QUERY_FIELDS = ['endpointSecret', 'apiKeys', 'tenants'];

const ALL_OPS = [...RESOURCE_OPS, ...TENANT_WIDE_OPS];
const VIEWER_FORBIDDEN_OPS = ALL_OPS.filter(
  (op) =>
    (isMutation(op) && !SELF_SERVICE.includes(op.field)) ||
    PRIVILEGED_QUERY_FIELDS.includes(op.field),
);

const SIGN_UP = `mutation($e: String!, $p: String!, $t: String!) { signUp(email: $e, password: $p, tenantName: $t) { token } }`;
const LOG_IN = `mutation($e: String!, $p: String!, $tid: ID) { logIn(email: $e, password: $p, tenantId: $tid) { token tenant { id } } }`;
const ACCEPT = `mutation($t: String!, $p: String) { acceptInvitation(token: $t, password: $p) { token role } }`;
const PASSWORD = 'isolation password 1';

let A: Targets;
let B: Targets;
let viewerToken: string;
/** Strings that exist only in B's data; no answer to A may contain them. */
let canaries: string[];

async function provisionTenant(label: 'a' | 'b'): Promise<Targets> {
  // The harness's createTenant gives no owner; the operator mutation can add one who logs in.
  const ownerEmail = `${label}-owner@example.com`;
  const created = await api.ok(
    `mutation($n: String!, $e: String!, $p: String!) { createTenant(input: { name: $n, ownerEmail: $e, ownerPassword: $p }) { tenant { id } apiKey } }`,
    { n: `Tenant ${label.toUpperCase()}`, e: ownerEmail, p: PASSWORD },
    OPERATOR_TOKEN,
  );
  const tenantId: string = created.createTenant.tenant.id;
  const adminKey: string = created.createTenant.apiKey;
  const ownerToken: string = (await api.ok(LOG_IN, { e: ownerEmail, p: PASSWORD })).logIn.token;
  const as = <T = Record<string, any>>(doc: string, vars: Vars = {}) =>
    api.ok<T>(doc, vars, adminKey);

  const appName = `${label}-secret-application-name`;
  const app = (
    await as(
      `mutation($n: String!, $u: String) { createApplication(input: { name: $n, uid: $u, metadata: { tier: "${label}-canary-metadata" } }) { id uid } }`,
      { n: appName, u: `${label}-customer` },
    )
  ).createApplication;
  const app2 = (
    await as(
      `mutation($u: String) { createApplication(input: { name: "Second", uid: $u }) { id uid } }`,
      { u: `${label}-second` },
    )
  ).createApplication;

  const eventTypeName = `${label}.private.event`;
  const eventType = (
    await as(
      `mutation($n: String!, $s: JSONObject) { createEventType(input: { name: $n, description: "${label}-canary-description", schema: $s }) { id } }`,
      {
        n: eventTypeName,
        s: { type: 'object', properties: { amount: { type: 'number' } } },
      },
    )
  ).createEventType;

  const endpointSecret = `whsec_${Buffer.alloc(32, label === 'a' ? 1 : 2).toString('base64')}`;
  const endpoint = (
    await as(
      `mutation($a: String!, $s: String, $h: JSONObject) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/${label}-canary-url", secret: $s, headers: $h }) { id } }`,
      {
        a: app.id,
        s: endpointSecret,
        h: { 'X-Tenant': `${label}-canary-header` },
      },
    )
  ).createEndpoint;
  await as(
    `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/${label}-second" }) { id } }`,
    { a: app2.id },
  );

  const message = (
    await as(
      `mutation($a: String!, $n: String!) { sendMessage(input: { application: $a, eventType: $n, payload: { amount: 42, note: "${label}-canary-payload" }, idempotencyKey: "shared-key", eventId: "shared-event" }) { message { id deliveries { id } } } }`,
      {
        a: app.id,
        n: eventTypeName,
      },
    )
  ).sendMessage.message;
  expect(message.deliveries).toHaveLength(1);
  await as(
    `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "other.event", payload: { n: 2 } }) { message { id } } }`,
    { a: app.uid },
  );
  // Attempts come from the worker; one written directly makes the attempt queries and stats non-empty.
  await api.db.withSystem((m) =>
    m.query(
      `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, http_status, duration_ms, response_excerpt)
       VALUES ($1, $2, $3, $4, $5, 'FAILED', 'SCHEDULED', 500, 12, $6)`,
      [
        `att_${label}0000000000000000000000000`,
        tenantId,
        message.deliveries[0].id,
        message.id,
        endpoint.id,
        `${label}-canary-response`,
      ],
    ),
  );

  // A user who signed up on their own, then joined this tenant; and an invitation still pending.
  const memberEmail = `${label}-member@example.com`;
  await api.ok(SIGN_UP, { e: memberEmail, p: PASSWORD, t: `${label} member's own tenant` });
  await api.ok(`mutation($t: String!) { verifyEmail(token: $t) { id } }`, {
    t: await api.linkFor(memberEmail, 'verify-email'),
  });
  const invited = (
    await as(
      `mutation($e: String!) { inviteMember(email: $e, role: developer) { member { id } } }`,
      { e: memberEmail },
    )
  ).inviteMember;
  // A verified account accepts with its own password.
  await api.ok(ACCEPT, { t: await api.linkFor(memberEmail, 'accept-invitation'), p: PASSWORD });
  const pending = (
    await as(`mutation($e: String!) { inviteMember(email: $e, role: viewer) { member { id } } }`, {
      e: `${label}-pending@example.com`,
    })
  ).inviteMember;

  if (label === 'b') await as(`mutation { enableOperationalWebhooks { id } }`);

  const spareKeyId: string = (
    await as(
      `mutation { createApiKey(input: { name: "${label}-spare", role: developer }) { apiKey { id } } }`,
    )
  ).createApiKey.apiKey.id;
  const keys = (await as(`query { apiKeys { nodes { id name } } }`)).apiKeys.nodes as {
    id: string;
    name: string;
  }[];
  const members = (await as(`query { members { nodes { id role } } }`)).members.nodes as {
    id: string;
    role: string;
  }[];

  return {
    tenantId,
    adminKey,
    ownerToken,
    appId: app.id,
    appUid: app.uid,
    appName,
    app2Id: app2.id,
    app2Uid: app2.uid,
    endpointId: endpoint.id,
    endpointSecret,
    eventTypeName,
    eventTypeId: eventType.id,
    messageId: message.id,
    deliveryId: message.deliveries[0].id,
    memberId: invited.member.id,
    pendingMemberId: pending.member.id,
    ownerMemberId: members.find((m) => m.role === 'owner')!.id,
    spareKeyId,
    adminKeyId: keys.find((k) => k.name === 'Provisioning key')!.id,
  };
}

const SCOPED_TABLES = [
  'applications',
  'endpoints',
  'endpoint_secrets',
  'event_types',
  'messages',
  'idempotency_keys',
  'deliveries',
  'attempts',
  'members',
  'api_keys',
  'sessions',
];

/** Every row a tenant owns, read unscoped. `last_used_at` is bookkeeping written by any authentication. */
async function snapshotTenant(tenantId: string): Promise<Record<string, unknown[]>> {
  const out = await api.db.withSystem(async (m) => {
    const rows: Record<string, unknown[]> = {
      tenants: await m.query(`SELECT * FROM tenants WHERE id = $1`, [tenantId]),
      users: await m.query(
        `SELECT u.* FROM users u WHERE u.id IN (SELECT user_id FROM members WHERE tenant_id = $1) ORDER BY u.id`,
        [tenantId],
      ),
    };
    for (const table of SCOPED_TABLES) {
      rows[table] = await m.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY 1, 2, 3`, [
        tenantId,
      ]);
    }
    return rows;
  });
  for (const key of out.api_keys as Record<string, unknown>[]) delete key.last_used_at;
  return JSON.parse(JSON.stringify(out));
}

async function rowCounts(): Promise<Record<string, number>> {
  return api.db.withSystem(async (m) => {
    const counts: Record<string, number> = {};
    for (const table of ['tenants', 'users', ...SCOPED_TABLES]) {
      counts[table] = (await m.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    }
    return counts;
  });
}

function expectNoCanary(result: GqlResult, label: string) {
  const body = JSON.stringify(result);
  for (const canary of canaries) expect(body, `${label} leaked ${canary}`).not.toContain(canary);
}

/** Root fields of the running schema, by introspection. */
async function rootFields(): Promise<{
  query: string[];
  mutation: string[];
  subscription: string[];
}> {
  const data = await api.ok(
    `query { __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }`,
    {},
    A.adminKey,
  );
  const names = (type: { fields: { name: string }[] } | null) =>
    (type?.fields ?? []).map((f) => f.name);
  return {
    query: names(data.__schema.queryType),
    mutation: names(data.__schema.mutationType),
    subscription: names(data.__schema.subscriptionType),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
}

const DELIVERY_EVENTS = `subscription($a: String!) { deliveryEvents(application: $a) { deliveryId applicationId status } }`;

/** One graphql-ws subscription to deliveryEvents, speaking the protocol directly. */
function subscribeToDeliveryEvents(token: string | null, application: string) {
  const ws = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: { type: string; payload?: any }[] = [];
  let ended: string | null = null;
  ws.on('open', () =>
    ws.send(
      JSON.stringify({
        type: 'connection_init',
        payload: token ? { authorization: `Bearer ${token}` } : {},
      }),
    ),
  );
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'connection_ack') {
      ws.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: DELIVERY_EVENTS, variables: { a: application } },
        }),
      );
      return;
    }
    messages.push(message);
    if (message.type === 'complete' || message.type === 'error') ended = message.type;
  });
  ws.on('close', (code) => (ended ??= `closed ${code}`));
  return {
    messages,
    ended: () => ended,
    events: () =>
      messages
        .filter((m) => m.type === 'next' && m.payload?.data)
        .map((m) => m.payload.data.deliveryEvents),
    errors: () =>
      messages.flatMap((m) =>
        m.type === 'next' ? (m.payload?.errors ?? []) : m.type === 'error' ? m.payload : [],
      ),
    close: () => ws.close(),
  };
}

/** Dispatches that mention any id of `t`. */
function dispatchedFor(t: Targets) {
  const ids = new Set([t.messageId, t.deliveryId, t.endpointId]);
  return dispatched.filter(
    (d) =>
      d.tenantId === t.tenantId ||
      d.items.some((i) => ids.has(i.messageId) || ids.has(i.deliveryId) || ids.has(i.endpointId)),
  );
}

beforeAll(async () => {
  api = await startTestApi();
  // The harness runs without Temporal, where manual delivery operations answer CONFLICT before
  // looking anything up. The same service with a recording dispatcher lets them reach the lookup.
  api.server.services.deliveries = new DeliveryControl(api.db, {
    enabled: true,
    dispatch: (tenantId: string, items: DispatchItem[]) =>
      void dispatched.push({ tenantId, items }),
  });
  A = await provisionTenant('a');
  B = await provisionTenant('b');
  canaries = [
    B.appName,
    'b-canary-metadata',
    'b-canary-description',
    'b-canary-url',
    'b-canary-header',
    'b-canary-payload',
    'b-canary-response',
    B.endpointSecret,
    B.endpointSecret.slice('whsec_'.length),
    'b-member@example.com',
    'b-pending@example.com',
    'b-owner@example.com',
  ];
  await api.ok(
    `mutation { inviteMember(email: "a-viewer@example.com", role: viewer) { invitationSentTo } }`,
    {},
    A.ownerToken,
  );
  const accepted = (
    await api.ok(ACCEPT, {
      t: await api.linkFor('a-viewer@example.com', 'accept-invitation'),
      p: PASSWORD,
    })
  ).acceptInvitation;
  expect(accepted.role).toBe('viewer');
  viewerToken = accepted.token;
}, 60_000);

afterAll(() => api?.stop());

describe('the operation tables', () => {
  it('classify every root field of the schema', async () => {
    const fields = await rootFields();
    const covered = new Set([
      ...ALL_OPS.map((op) => op.field),
      ...PUBLIC_FIELDS,
      ...SUBSCRIPTION_FIELDS,
      ...PORTAL_FIELDS,
    ]);
    const all = [...fields.query, ...fields.mutation, ...fields.subscription];
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
    const existing = new Set(all);
    expect([...covered].filter((f) => !existing.has(f))).toEqual([]);
  });

  it('send every mutation except the public and self-service ones to the viewer', async () => {
    const { mutation } = await rootFields();
    const viewerFields = new Set(VIEWER_FORBIDDEN_OPS.map((op) => op.field));
    expect(
      mutation.filter(
        (f) => !viewerFields.has(f) && !PUBLIC_FIELDS.includes(f) && !SELF_SERVICE.includes(f),
      ),
    ).toEqual([]);
  });
});

describe.each([
  ['admin API key', () => A.adminKey],
  ['owner session', () => A.ownerToken],
])("tenant A's %s aimed at tenant B's resources", (_principal, credential) => {
  let bBefore: Record<string, unknown[]>;
  let countsBefore: Record<string, number>;

  beforeAll(async () => {
    bBefore = await snapshotTenant(B.tenantId);
    countsBefore = await rowCounts();
  });

  it.each(RESOURCE_OPS.map((op) => [op.label, op] as const))(
    '%s answers NOT_FOUND',
    async (_label, op) => {
      const result = await api.gql(op.doc, op.vars?.(B), credential());
      expect(codeOf(result), JSON.stringify(result.errors)).toBe('NOT_FOUND');
      expect(result.errors).toHaveLength(1);
      expect(result.data?.[op.field] ?? null).toBeNull();
      expectNoCanary(result, op.label);
    },
  );

  it("setTenantPlan on B's tenant is the operator's alone: FORBIDDEN, B's plan unchanged", async () => {
    const result = await api.gql(
      `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: enterprise) }`,
      { t: B.tenantId },
      credential(),
    );
    expect(codeOf(result)).toBe('FORBIDDEN');
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT plan FROM tenants WHERE id = $1`, [B.tenantId]),
    );
    expect(row.plan).toBe('free');
  });

  it('a batch mixing an A application with a B application stores nothing at all', async () => {
    const result = await api.gql(
      `mutation($m: [SendMessageInput!]!) { sendMessages(input: { messages: $m }) { createdCount } }`,
      {
        m: [
          { application: A.appId, eventType: 'mixed.batch', payload: {} },
          { application: B.appId, eventType: 'mixed.batch', payload: {} },
        ],
      },
      credential(),
    );
    expect(codeOf(result)).toBe('NOT_FOUND');
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM messages WHERE event_type = 'mixed.batch'`),
    );
    expect(row.n).toBe(0);
  });

  it('resendMessage pairing an A message with a B endpoint, or the reverse, answers NOT_FOUND', async () => {
    const doc = `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`;
    for (const vars of [
      { m: A.messageId, e: B.endpointId },
      { m: B.messageId, e: A.endpointId },
    ]) {
      const result = await api.gql(doc, vars, credential());
      expect(codeOf(result), JSON.stringify(vars)).toBe('NOT_FOUND');
    }
  });

  it('left every row of B, and every table, exactly as it was, and dispatched nothing of B', async () => {
    expect(await snapshotTenant(B.tenantId)).toEqual(bBefore);
    expect(await rowCounts()).toEqual(countsBefore);
    expect(dispatchedFor(B)).toEqual([]);
  });
});

describe('log-in as a member of A into tenant B', () => {
  it('is refused and opens no session', async () => {
    const [before] = await api.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM sessions`),
    );
    const result = await api.gql(LOG_IN, {
      e: 'a-owner@example.com',
      p: PASSWORD,
      tid: B.tenantId,
    });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    const [after] = await api.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM sessions`),
    );
    expect(after.n).toBe(before.n);
  });
});

describe('lists as tenant A', () => {
  const LISTS = [
    [
      'applications',
      'applications',
      `query { applications(first: 250) { nodes { id uid name } } }`,
    ],
    [
      'eventTypes',
      'event_types',
      `query { eventTypes(first: 250, includeArchived: true) { nodes { id name } } }`,
    ],
    ['members', 'members', `query { members(first: 250) { nodes { id user { id email } } } }`],
    [
      'apiKeys',
      'api_keys',
      `query { apiKeys(first: 250, includeRevoked: true) { nodes { id name prefix } } }`,
    ],
  ] as const;

  it.each(LISTS)("%s holds exactly A's rows, none of B's", async (field, table, doc) => {
    const idsOf = (tenantId: string): Promise<string[]> =>
      api.db.withSystem(async (m) =>
        (await m.query(`SELECT id FROM ${table} WHERE tenant_id = $1`, [tenantId])).map(
          (r: { id: string }) => r.id,
        ),
      );
    const aIds = await idsOf(A.tenantId);
    expect((await idsOf(B.tenantId)).length).toBeGreaterThan(0);
    for (const token of [A.adminKey, A.ownerToken]) {
      const result = await api.gql(doc, {}, token);
      expect(result.errors).toBeUndefined();
      const ids = (result.data![field].nodes as { id: string }[]).map((n) => n.id);
      expect(ids.sort()).toEqual([...aIds].sort());
      expectNoCanary(result, field);
    }
  });

  it("filters by B's uid, name or name prefix find nothing", async () => {
    const queries: [string, Vars][] = [
      [`query($u: String) { applications(uid: $u) { nodes { id } } }`, { u: B.appUid }],
      [`query($n: String) { applications(name: $n) { nodes { id } } }`, { n: B.appName }],
      [
        `query($p: String) { eventTypes(namePrefix: $p, includeArchived: true) { nodes { id } } }`,
        { p: 'b.' },
      ],
    ];
    for (const [doc, vars] of queries) {
      const result = await api.gql(doc, vars, A.adminKey);
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data!)[0].nodes).toEqual([]);
    }
  });

  it("operationalApplication is A's own: none until A enables it, never B's", async () => {
    const bOperational = (await api.ok(`query { operationalApplication { id } }`, {}, B.adminKey))
      .operationalApplication.id;
    expect(
      (await api.ok(`query { operationalApplication { id } }`, {}, A.adminKey))
        .operationalApplication,
    ).toBeNull();
    const aOperational = (
      await api.ok(`mutation { enableOperationalWebhooks { id } }`, {}, A.ownerToken)
    ).enableOperationalWebhooks.id;
    expect(aOperational).not.toBe(bOperational);
    expect(
      (await api.ok(`query { operationalApplication { id } }`, {}, A.adminKey))
        .operationalApplication.id,
    ).toBe(aOperational);
    expect(
      (await api.ok(`query { operationalApplication { id } }`, {}, B.adminKey))
        .operationalApplication.id,
    ).toBe(bOperational);
  });

  it("viewer reports A's tenant", async () => {
    for (const token of [A.adminKey, A.ownerToken]) {
      expect((await api.ok(`query { viewer { tenant { id } } }`, {}, token)).viewer.tenant.id).toBe(
        A.tenantId,
      );
    }
  });
});

describe('names, uids and keys that both tenants use', () => {
  it('resolve to the caller’s own resource, and publishing validates against the caller’s own schema', async () => {
    const create = (token: string, schema: object) =>
      api.ok(
        `mutation($s: JSONObject) { createEventType(input: { name: "invoice.paid", schema: $s }) { id } }`,
        { s: schema },
        token,
      );
    const bType = (
      await create(B.adminKey, {
        type: 'object',
        required: ['amount'],
        properties: { amount: { type: 'number' } },
      })
    ).createEventType.id;
    const aType = (
      await create(A.adminKey, {
        type: 'object',
        required: ['customer'],
        properties: { customer: { type: 'string' } },
      })
    ).createEventType.id;
    const bApp = (
      await api.ok(
        `mutation { createApplication(input: { name: "B shared", uid: "shared-customer" }) { id } }`,
        {},
        B.adminKey,
      )
    ).createApplication.id;
    const aApp = (
      await api.ok(
        `mutation { createApplication(input: { name: "A shared", uid: "shared-customer" }) { id } }`,
        {},
        A.adminKey,
      )
    ).createApplication.id;

    expect(
      (await api.ok(`query { eventType(name: "invoice.paid") { id } }`, {}, A.adminKey)).eventType
        .id,
    ).toBe(aType);
    expect(
      (await api.ok(`query { application(uid: "shared-customer") { id } }`, {}, A.adminKey))
        .application.id,
    ).toBe(aApp);
    await api.ok(
      `mutation { updateEventType(name: "invoice.paid", input: { description: "A's" }) { id } }`,
      {},
      A.adminKey,
    );
    await api.ok(
      `mutation { updateApplication(id: "shared-customer", input: { name: "A renamed" }) { id } }`,
      {},
      A.adminKey,
    );
    const rows = await api.db.withSystem((m) =>
      m.query(
        `SELECT id, description AS v FROM event_types WHERE id = ANY($1) UNION ALL SELECT id, name FROM applications WHERE id = ANY($1) ORDER BY 1`,
        [[aType, bType, aApp, bApp]],
      ),
    );
    expect(Object.fromEntries(rows.map((r: { id: string; v: string }) => [r.id, r.v]))).toEqual({
      [aType]: "A's",
      [bType]: '',
      [aApp]: 'A renamed',
      [bApp]: 'B shared',
    });

    const send = (payload: object) =>
      api.gql(
        `mutation($p: JSONObject!) { sendMessage(input: { application: "shared-customer", eventType: "invoice.paid", payload: $p }) { message { applicationId } } }`,
        { p: payload },
        A.adminKey,
      );
    const matchesA = await send({ customer: 'c-1' });
    expect(matchesA.errors).toBeUndefined();
    expect(matchesA.data!.sendMessage.message.applicationId).toBe(aApp);
    expect(codeOf(await send({ amount: 5 }))).toBe('BAD_USER_INPUT');
  });

  it('an idempotency key or event id B used gives A a new message, not B’s', async () => {
    const result = await api.ok(
      `mutation($a: String!) {
        k: sendMessage(input: { application: $a, eventType: "x.y", payload: { n: 1 }, idempotencyKey: "shared-key" }) { duplicate message { id payload } }
        e: sendMessage(input: { application: $a, eventType: "x.y", payload: { n: 2 }, eventId: "shared-event" }) { duplicate message { id payload } }
      }`,
      { a: A.app2Id },
      A.adminKey,
    );
    expect(result.k).toMatchObject({ duplicate: false, message: { payload: { n: 1 } } });
    expect(result.e).toMatchObject({ duplicate: false, message: { payload: { n: 2 } } });
    expect([result.k.message.id, result.e.message.id]).not.toContain(B.messageId);
    expect(JSON.stringify(result)).not.toContain('b-canary-payload');
  });
});

describe('without credentials', () => {
  let before: Record<string, number>;
  beforeAll(async () => {
    before = await rowCounts();
  });

  it.each(ALL_OPS.map((op) => [op.label, op] as const))(
    '%s answers UNAUTHENTICATED',
    async (_label, op) => {
      const result = await api.gql(op.doc, op.vars?.(A), null);
      expect(codeOf(result), JSON.stringify(result.errors)).toBe('UNAUTHENTICATED');
      expect(result.data?.[op.field] ?? null).toBeNull();
    },
  );

  it.each([
    ['an unknown API key', 'hk_not_a_real_key_0000000000'],
    ['an unknown session', 'hs_not_a_real_session_00000000'],
    ['an unknown token kind', 'totally-unknown-token'],
  ])('%s is refused with HTTP 401 before anything runs', async (_label, token) => {
    for (const op of [RESOURCE_OPS[0], RESOURCE_OPS.find((o) => o.field === 'createEndpoint')!]) {
      const result = await api.gql(op.doc, op.vars?.(A), token);
      expect(result.status).toBe(401);
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
    }
  });

  it('changed nothing', async () => {
    expect(await rowCounts()).toEqual(before);
  });
});

describe('the live delivery log (deliveryEvents over graphql-ws)', () => {
  it.each([
    ['id', () => B.appId],
    ['uid', () => B.appUid],
  ])(
    "refuses A a subscription to B's application by %s: the stream ends with an error",
    async (_by, target) => {
      const subscription = subscribeToDeliveryEvents(A.adminKey, target());
      await waitFor(() => subscription.ended() !== null);
      subscription.close();
      expect(subscription.ended()).toBe('complete');
      expect(subscription.events()).toEqual([]);
      expect(subscription.errors()[0]?.message).toMatch(/not found/);
    },
  );

  it('refuses a subscription without credentials', async () => {
    const subscription = subscribeToDeliveryEvents(null, A.appId);
    await waitFor(() => subscription.ended() !== null);
    subscription.close();
    expect(subscription.events()).toEqual([]);
    expect(subscription.errors()).toHaveLength(1);
  });

  it('never delivers B events to A, even one naming A’s application id', async () => {
    const event = (t: Targets, applicationId: string): DeliveryEvent => ({
      deliveryId: t.deliveryId,
      messageId: t.messageId,
      applicationId,
      endpointId: t.endpointId,
      status: 'SUCCEEDED',
      attemptId: null,
      httpStatus: 200,
    });
    const toA = subscribeToDeliveryEvents(A.adminKey, A.appId);
    const toB = subscribeToDeliveryEvents(B.adminKey, B.appId);
    try {
      // No signal says a subscription is registered; an event of each tenant's own shows it is.
      await sleep(300);
      await api.db.withTenant(B.tenantId, (tx) =>
        notifyDeliveryEvents(tx, [event(B, B.appId), event(B, A.appId)]),
      );
      await api.db.withTenant(A.tenantId, (tx) => notifyDeliveryEvents(tx, [event(A, A.appId)]));
      await waitFor(() => toA.events().length >= 1 && toB.events().length >= 1);
      await sleep(200);
      expect(toB.events().map((e) => e.deliveryId)).toEqual([B.deliveryId]);
      expect(toA.events().map((e) => e.deliveryId)).toEqual([A.deliveryId]);
    } finally {
      toA.close();
      toB.close();
    }
  });

  // Convention 6: every error carries a stable extensions.code and internals are never shown.
  it('answers subscription errors with the stable codes the HTTP API uses', async () => {
    const cases = [
      { token: A.adminKey, application: B.appId, code: 'NOT_FOUND' },
      { token: null, application: A.appId, code: 'UNAUTHENTICATED' },
      { token: A.adminKey, application: 'nul\u0000char', code: 'BAD_USER_INPUT' },
    ];
    const outcomes = [];
    for (const { token, application, code } of cases) {
      const subscription = subscribeToDeliveryEvents(token, application);
      await waitFor(() => subscription.ended() !== null);
      subscription.close();
      const [error] = subscription.errors();
      outcomes.push({ expected: code, code: error?.extensions?.code, message: error?.message });
    }
    // One comparison of all cases, so a failure lists every one of them.
    expect(outcomes).toEqual(
      cases.map(({ code }) => ({
        expected: code,
        code,
        message: expect.not.stringMatching(/byte sequence|UTF8|QueryFailed/),
      })),
    );
  });
});

describe("a viewer session of tenant A, on A's own resources", () => {
  let aBefore: Record<string, unknown[]>;
  let countsBefore: Record<string, number>;
  beforeAll(async () => {
    aBefore = await snapshotTenant(A.tenantId);
    countsBefore = await rowCounts();
  });

  it.each(VIEWER_FORBIDDEN_OPS.map((op) => [op.label, op] as const))(
    '%s answers FORBIDDEN',
    async (_label, op) => {
      const result = await api.gql(op.doc, op.vars?.(A), viewerToken);
      expect(codeOf(result), JSON.stringify(result.errors)).toBe('FORBIDDEN');
      expect(result.data?.[op.field] ?? null).toBeNull();
      expect(JSON.stringify(result)).not.toContain(A.endpointSecret);
    },
  );

  it('changed nothing of A, and nothing anywhere', async () => {
    expect(await snapshotTenant(A.tenantId)).toEqual(aBefore);
    expect(await rowCounts()).toEqual(countsBefore);
  });

  it('can still read (so the refusals above are about the role)', async () => {
    const result = await api.gql(
      `query($id: ID!) { endpoint(id: $id) { id } }`,
      { id: A.endpointId },
      viewerToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.endpoint.id).toBe(A.endpointId);
  });
});

describe("a consumer portal session of A's first application", () => {
  /** Operations a portal session may use, on its own application's resources. */
  const PORTAL_ALLOWED = new Set([
    'application',
    'endpoint',
    'endpoints',
    'endpointSecret',
    'message',
    'messages',
    'deliveries',
    'attempts',
    'eventType',
    'eventTypes',
    'createEndpoint',
    'updateEndpoint',
    'deleteEndpoint',
    'enableEndpoint',
    'disableEndpoint',
    'rotateEndpointSecret',
    'resendMessage',
    'retryDelivery',
    'recoverEndpoint',
  ]);
  let portalToken: string;
  let aBefore: Record<string, unknown[]>;
  let bBefore: Record<string, unknown[]>;

  beforeAll(async () => {
    const link = (
      await api.ok(
        `mutation($a: ID!) { createPortalSession(applicationId: $a) { token } }`,
        { a: A.appId },
        A.adminKey,
      )
    ).createPortalSession;
    portalToken = (
      await api.ok(`mutation($t: String!) { exchangePortalToken(token: $t) { sessionToken } }`, {
        t: link.token,
      })
    ).exchangePortalToken.sessionToken;
    aBefore = await snapshotTenant(A.tenantId);
    bBefore = await snapshotTenant(B.tenantId);
  });

  it.each(RESOURCE_OPS.map((op) => [op.label, op] as const))(
    '%s aimed at tenant B is refused',
    async (_label, op) => {
      const result = await api.gql(op.doc, op.vars?.(B), portalToken);
      const expected = PORTAL_ALLOWED.has(op.field) ? 'NOT_FOUND' : 'FORBIDDEN';
      expect(codeOf(result), JSON.stringify(result.errors)).toBe(expected);
      expect(result.data?.[op.field] ?? null).toBeNull();
      expectNoCanary(result, op.label);
    },
  );

  it.each(
    TENANT_WIDE_OPS.filter((op) => op.field !== 'eventTypes').map((op) => [op.label, op] as const),
  )('%s (tenant-wide) answers FORBIDDEN', async (_label, op) => {
    const result = await api.gql(op.doc, op.vars?.(A), portalToken);
    expect(codeOf(result), JSON.stringify(result.errors)).toBe('FORBIDDEN');
    expect(result.data?.[op.field] ?? null).toBeNull();
  });

  it("reaches nothing of A's second application: NOT_FOUND, as if it did not exist", async () => {
    const app2 = { a: A.app2Id };
    const endpoint2 = (
      await api.ok(
        `query($a: String!) { endpoints(application: $a) { nodes { id } } }`,
        app2,
        A.adminKey,
      )
    ).endpoints.nodes[0].id;
    const docs: [string, Record<string, unknown>][] = [
      [`query($a: ID!) { application(id: $a) { id } }`, app2],
      [`query { application(uid: "${A.app2Uid}") { id } }`, {}],
      [`query($a: String!) { endpoints(application: $a) { nodes { id } } }`, app2],
      [`query($a: String!) { messages(application: $a) { nodes { id } } }`, app2],
      [`query($e: ID!) { endpoint(id: $e) { id } }`, { e: endpoint2 }],
      [`query($e: ID!) { endpointSecret(id: $e) { key } }`, { e: endpoint2 }],
      [`query($e: ID!) { deliveries(endpointId: $e) { nodes { id } } }`, { e: endpoint2 }],
      [`mutation($e: ID!) { disableEndpoint(id: $e) { id } }`, { e: endpoint2 }],
      [`mutation($e: ID!) { rotateEndpointSecret(id: $e) { key } }`, { e: endpoint2 }],
      [`mutation($e: ID!) { deleteEndpoint(id: $e) }`, { e: endpoint2 }],
      [
        `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/p" }) { id } }`,
        app2,
      ],
      [
        `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`,
        { m: A.messageId, e: endpoint2 },
      ],
    ];
    for (const [doc, vars] of docs) {
      const result = await api.gql(doc, vars, portalToken);
      expect(codeOf(result), doc).toBe('NOT_FOUND');
      expect(result.data, doc).toBeNull();
      expect(JSON.stringify(result), doc).not.toContain('Second'); // app2's name
    }
  });

  it('changed nothing of A or B', async () => {
    expect(await snapshotTenant(A.tenantId)).toEqual(aBefore);
    expect(await snapshotTenant(B.tenantId)).toEqual(bBefore);
  });

  it("works on its own application's resources (so the refusals above are about scope)", async () => {
    const result = await api.gql(
      `query($a: String!, $e: ID!, $m: ID!) {
        portalSession { application { id } capabilities }
        endpoints(application: $a) { nodes { id } }
        endpoint(id: $e) { id }
        message(id: $m) { id deliveries { id } }
        eventTypes { nodes { name } } }`,
      { a: A.appId, e: A.endpointId, m: A.messageId },
      portalToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.portalSession).toEqual({
      application: { id: A.appId },
      capabilities: ['READ', 'WRITE'],
    });
    expect(result.data!.endpoints.nodes.map((n: { id: string }) => n.id)).toEqual([A.endpointId]);
    expect(result.data!.message.deliveries).toHaveLength(1);
    expect(result.data!.eventTypes.nodes.map((n: { name: string }) => n.name)).toContain(
      A.eventTypeName,
    );
  });
});

describe("control: the same operations on A's own resources", () => {
  // Runs last: it deletes and revokes. Proves each NOT_FOUND above came from the tenant
  // boundary, not from a malformed operation.
  it("all work for A's owner (or fail on a rule of A's own, for the last owner)", async () => {
    const outcomes = [];
    for (const op of RESOURCE_OPS) {
      const result = await api.gql(op.doc, op.vars?.(A), A.ownerToken);
      outcomes.push([op.label, codeOf(result) ?? 'OK']);
    }
    expect(outcomes).toEqual(RESOURCE_OPS.map((op) => [op.label, op.ownCode ?? 'OK']));
    // The dispatcher check in the matrix above is not vacuous: A's own resends reached it.
    expect(dispatchedFor(A).length).toBeGreaterThan(0);
  });
});
