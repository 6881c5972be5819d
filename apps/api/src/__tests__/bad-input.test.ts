import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, OPERATOR_TOKEN, startTestApi, type GqlResult, type TestApi } from './harness';

/*
 * Bad input of every kind gets a clear error with a stable code, is never answered as a
 * server error, and writes nothing. Every case below checks the code, that the HTTP status is
 * not 5xx, and that the row count of every table is unchanged.
 */

type Vars = Record<string, unknown>;

let api: TestApi;
/** Small limits: request 4 KiB, payload 2 KiB, depth 4, complexity 100. */
let limited: TestApi;
/** Mutations limited to 2 a second with a burst of 3. */
let throttled: TestApi;
let key: string;
let limitedKey: string;
let appId: string;
let endpointId: string;

const APP_UID = 'cust-1';
const ULID = '01M8DJTRSV8W4FK5FC5A2QY4FR';
const NUL = 'a\u0000b';
const SQL_OR = "' OR 1=1 --";
const SQL_DROP = "app_x'; DROP TABLE messages; --";
const CREATE_APP = `mutation($n: String!) { createApplication(input: { name: $n }) { id name } }`;
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { duplicate message { id payload } } }`;
const SEND_MANY = `mutation($m: [SendMessageInput!]!) { sendMessages(input: { messages: $m }) { createdCount } }`;
const TABLES = [
  'tenants',
  'users',
  'sessions',
  'members',
  'api_keys',
  'applications',
  'event_types',
  'endpoints',
  'endpoint_secrets',
  'messages',
  'idempotency_keys',
  'deliveries',
  'attempts',
];

/** Row count of every table, in one round trip. */
async function rowCounts(target: TestApi): Promise<Record<string, number>> {
  const [row] = await target.db.withSystem((m) =>
    m.query(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`),
  );
  return row;
}

/** Sends `doc` and expects it refused with `code`, no 5xx, and no row written anywhere. */
async function expectRejected(
  target: TestApi,
  token: string | null,
  doc: string,
  vars: Vars | undefined,
  code: string,
  field?: string,
): Promise<GqlResult> {
  const before = await rowCounts(target);
  const result = await target.gql(doc, vars, token);
  expect(codeOf(result), JSON.stringify(result.errors)).toBe(code);
  expect(result.status, 'HTTP status').toBeLessThan(500);
  if (field !== undefined) expect(result.errors?.[0].extensions?.field).toBe(field);
  expect(await rowCounts(target)).toEqual(before);
  return result;
}

/** Posts a hand-written body: for shapes JSON.stringify cannot or should not produce. */
async function postRaw(
  target: TestApi,
  body: string | Buffer,
  headers: Record<string, string> = {},
  method = 'POST',
  query = '',
): Promise<GqlResult> {
  const res = await fetch(`${target.url}/graphql${query}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' ? undefined : body,
  });
  const text = await res.text();
  let parsed: { data?: Record<string, any>; errors?: GqlResult['errors'] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: `unparseable response: ${text.slice(0, 200)}` }] };
  }
  return { status: res.status, data: parsed.data ?? null, errors: parsed.errors };
}

/** A JSON object nested `depth` levels deep, as text. */
const nested = (depth: number, key = 'a') => `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;

beforeAll(async () => {
  [api, limited, throttled] = await Promise.all([
    startTestApi(),
    startTestApi({
      HERALD_MAX_REQUEST_BYTES: '4096',
      HERALD_MAX_PAYLOAD_BYTES: '2048',
      HERALD_MAX_QUERY_DEPTH: '4',
      HERALD_MAX_QUERY_COMPLEXITY: '100',
    }),
    startTestApi({ HERALD_RATE_LIMIT_PER_SECOND: '2', HERALD_RATE_LIMIT_BURST: '3' }),
  ]);
  ({ apiKey: key } = await api.createTenant('Bad Input'));
  ({ apiKey: limitedKey } = await limited.createTenant('Limited'));
  appId = (
    await api.ok(
      `mutation($u: String) { createApplication(input: { name: "Target", uid: $u }) { id } }`,
      { u: APP_UID },
      key,
    )
  ).createApplication.id;
  endpointId = (
    await api.ok(
      `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/hook" }) { id } }`,
      { a: appId },
      key,
    )
  ).createEndpoint.id;
  await api.ok(`mutation { createEventType(input: { name: "order.paid" }) { id } }`, {}, key);
  await api.ok(
    SEND,
    { i: { application: APP_UID, eventType: 'order.paid', payload: { n: 1 } } },
    key,
  );
  await limited.ok(
    `mutation { createApplication(input: { name: "L", uid: "lim" }) { id } }`,
    {},
    limitedKey,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.stop(), limited?.stop(), throttled?.stop()]);
});

describe('HTTP requests that are not well-formed GraphQL over JSON', () => {
  const CREATE_BODY = JSON.stringify({
    query: 'mutation { createApplication(input: { name: "must not exist" }) { id } }',
  });
  // prettier-ignore
  const REQUESTS: [label: string, body: string | Buffer, headers: Record<string, string>, status: number, code: string, method?: string, query?: string][] = [
    ['a truncated JSON body', '{"query": ', {}, 400, 'BAD_REQUEST'],
    ['a JSON body cut off after the mutation', CREATE_BODY.slice(0, -1), {}, 400, 'BAD_REQUEST'],
    ['a top-level JSON string', JSON.stringify('mutation { createApplication(input: { name: "x" }) { id } }'), {}, 400, 'BAD_REQUEST'],
    ['a batch (JSON array)', `[${CREATE_BODY}]`, {}, 400, 'BAD_REQUEST'],
    ['an empty body', '', {}, 400, 'BAD_REQUEST'],
    ['an empty JSON object', '{}', {}, 400, 'BAD_REQUEST'],
    ['a query that is not a string', '{"query": 42}', {}, 400, 'BAD_REQUEST'],
    ['variables sent as a string', JSON.stringify({ query: CREATE_APP, variables: '{"n":"x"}' }), {}, 400, 'BAD_REQUEST'],
    ['content-type text/plain', CREATE_BODY, { 'content-type': 'text/plain' }, 400, 'BAD_REQUEST'],
    ['content-type application/xml', CREATE_BODY, { 'content-type': 'application/xml' }, 400, 'BAD_REQUEST'],
    ['a form post', 'query=mutation%20%7B%20createApplication(input%3A%20%7B%20name%3A%20%22x%22%20%7D)%20%7B%20id%20%7D%20%7D', { 'content-type': 'application/x-www-form-urlencoded' }, 400, 'BAD_REQUEST'],
    ['an unsupported charset', CREATE_BODY, { 'content-type': 'application/json; charset=latin1' }, 415, 'BAD_REQUEST'],
    ['a body that is not the gzip it claims', CREATE_BODY, { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
    // Body-parser decodes leniently (U+FFFD), so the query text itself is what fails.
    ['invalid UTF-8 in the query', Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 400, 'GRAPHQL_PARSE_FAILED'],
    ['a mutation over GET', '', { 'apollo-require-preflight': 'true' }, 405, 'BAD_REQUEST', 'GET', `?query=${encodeURIComponent('mutation { createApplication(input: { name: "x" }) { id } }')}`],
    ['an unknown operationName', JSON.stringify({ query: 'mutation M { createApplication(input: { name: "x" }) { id } }', operationName: 'Nope' }), {}, 400, 'OPERATION_RESOLUTION_FAILURE'],
    ['two operations and no operationName', JSON.stringify({ query: 'mutation M { createApplication(input: { name: "x" }) { id } } query Q { viewer { role } }' }), {}, 400, 'OPERATION_RESOLUTION_FAILURE'],
    ['an Authorization header that is not Bearer', CREATE_BODY, { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'UNAUTHENTICATED'],
  ];

  it.each(REQUESTS.map((c) => [`${c[0]} answers HTTP ${c[3]} ${c[4]}`, ...c.slice(1)] as typeof c))(
    '%s',
    async (_title, body, headers, status, code, method, query) => {
      const before = await rowCounts(api);
      const result = await postRaw(
        api,
        body,
        { authorization: `Bearer ${key}`, ...headers },
        method,
        query,
      );
      expect(result.status).toBe(status);
      expect(codeOf(result), JSON.stringify(result.errors)).toBe(code);
      expect(result.errors?.[0].message.length).toBeGreaterThan(0);
      expect(await rowCounts(api)).toEqual(before);
    },
  );

  it('a body over HERALD_MAX_REQUEST_BYTES answers 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
    const before = await rowCounts(limited);
    const body = JSON.stringify({
      query:
        'mutation($p: JSONObject!) { sendMessage(input: { application: "lim", eventType: "a.b", payload: $p }) { message { id } } }',
      variables: { p: { filler: 'x'.repeat(5000) } },
    });
    const result = await postRaw(limited, body, { authorization: `Bearer ${limitedKey}` });
    expect(result.status).toBe(413);
    expect(codeOf(result)).toBe('PAYLOAD_TOO_LARGE');
    expect(result.errors?.[0].message).toMatch(/4096 bytes/);
    expect(await rowCounts(limited)).toEqual(before);
  });
});

describe('GraphQL documents the schema does not allow', () => {
  // prettier-ignore
  const DOCUMENTS: [label: string, doc: string, vars: Vars | undefined, code: string][] = [
    ['a syntax error', `mutation { createApplication(input: { name: "x" }) { id }`, undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', `{ applications { nodes { id secret } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown argument', `{ applications(bogus: 1) { nodes { id } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown input field', `mutation { createApplication(input: { name: "x", bogus: 1 }) { id } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a string for an Int', `{ applications(first: "ten") { nodes { id } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an Int beyond 32 bits', `mutation { createApplication(input: { name: "x", rateLimitPerSecond: 99999999999 }) { id } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a missing required argument', `{ endpoint { id } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a missing required input field', `mutation { createApplication(input: {}) { id } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a value not in the enum', `mutation { inviteMember(email: "e@example.com", role: superuser) { invitationSentTo } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an invalid date-time literal', `{ messages(application: "cust-1", since: "yesterday") { nodes { id } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a payload literal that is an array', `mutation { sendMessage(input: { application: "cust-1", eventType: "a.b", payload: [1, 2] }) { duplicate } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a payload literal that is a string', `mutation { sendMessage(input: { application: "cust-1", eventType: "a.b", payload: "hello" }) { duplicate } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a fragment cycle', `fragment F on Query { ...G } fragment G on Query { ...F } { ...F }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    // Variables are coerced after validation: graphql-js and Apollo report those as BAD_USER_INPUT.
    ['a string variable for an Int', `query($f: Int) { applications(first: $f) { nodes { id } } }`, { f: 'ten' }, 'BAD_USER_INPUT'],
    ['a missing required variable', `query($f: Int!) { applications(first: $f) { nodes { id } } }`, {}, 'BAD_USER_INPUT'],
    ['null for a non-null variable', `query($f: Int!) { applications(first: $f) { nodes { id } } }`, { f: null }, 'BAD_USER_INPUT'],
    ['an unknown field in an input variable', `mutation($i: CreateApplicationInput!) { createApplication(input: $i) { id } }`, { i: { name: 'x', bogus: 1 } }, 'BAD_USER_INPUT'],
    ['a variable not in the enum', `query($s: DeliveryStatus) { deliveries(messageId: "msg_${ULID}", status: $s) { nodes { id } } }`, { s: 'DONE' }, 'BAD_USER_INPUT'],
    ['an invalid date-time variable', `query($s: DateTimeISO) { messages(application: "cust-1", since: $s) { nodes { id } } }`, { s: 'yesterday' }, 'BAD_USER_INPUT'],
    ['an Int variable beyond 32 bits', `mutation($r: Int) { createApplication(input: { name: "x", rateLimitPerSecond: $r }) { id } }`, { r: 2 ** 40 }, 'BAD_USER_INPUT'],
    ['a payload variable that is an array', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: [1, 2] } }, 'BAD_USER_INPUT'],
    ['a payload variable that is a string', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: 'hello' } }, 'BAD_USER_INPUT'],
    ['a payload variable that is null', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: null } }, 'BAD_USER_INPUT'],
  ];

  it.each(
    DOCUMENTS.map(
      ([label, doc, vars, code]) => [`${label} answers ${code}`, doc, vars, code] as const,
    ),
  )('%s', async (_title, doc, vars, code) => {
    await expectRejected(api, key, doc, vars, code);
  });
});

describe('query depth and complexity limits (depth 4, complexity 100)', () => {
  // prettier-ignore
  const TOO_DEEP: [label: string, doc: string][] = [
    ['direct nesting', `{ messages(application: "lim") { edges { node { deliveries { id } } } } }`],
    ['nesting through named fragments', `{ ...Q } fragment Q on Query { messages(application: "lim") { ...C } } fragment C on MessageConnection { edges { node { deliveries { id } } } }`],
    ['nesting through inline fragments', `{ messages(application: "lim") { ... on MessageConnection { edges { ... on MessageEdge { node { deliveries { id } } } } } } }`],
    ['nesting inside a mutation', `mutation { sendMessages(input: { messages: [{ application: "lim", eventType: "a.b", payload: {} }] }) { results { message { deliveries { id } } } } }`],
  ];

  it.each(TOO_DEEP)('five levels by %s are refused before anything runs', async (_label, doc) => {
    const result = await expectRejected(limited, limitedKey, doc, undefined, 'BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/depth limit of 4 exceeded, found \d+/);
    expect(result.errors?.[0].extensions).toMatchObject({ limit: 'depth', max: 4 });
  });

  it('four levels are allowed', async () => {
    const result = await limited.gql(`{ applications { edges { node { id } } } }`, {}, limitedKey);
    expect(result.errors).toBeUndefined();
  });

  // prettier-ignore
  const TOO_COMPLEX: [label: string, doc: string, vars: Vars | undefined][] = [
    ['a large page', `{ applications(first: 200) { nodes { id name } } }`, undefined],
    ['a large page given by a variable', `query($n: Int) { applications(first: $n) { nodes { id name } } }`, { n: 200 }],
    ['many aliases', `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: applications(first: 10) { nodes { id } }`).join(' ')} }`, undefined],
  ];

  it.each(TOO_COMPLEX)(
    '%s over the complexity limit answers BAD_USER_INPUT with the numbers',
    async (_label, doc, vars) => {
      const result = await expectRejected(limited, limitedKey, doc, vars, 'BAD_USER_INPUT');
      expect(result.errors?.[0].extensions).toMatchObject({ maxComplexity: 100 });
      expect(result.errors?.[0].extensions?.complexity).toBeGreaterThan(100);
    },
  );

  it('a page within the complexity limit is allowed', async () => {
    const result = await limited.gql(
      `{ applications(first: 20) { nodes { id name } } }`,
      {},
      limitedKey,
    );
    expect(result.errors).toBeUndefined();
  });
});

describe('pagination arguments', () => {
  // prettier-ignore
  const LISTS: [name: string, doc: string, token: () => string][] = [
    ['applications', `query($f: Int, $a: String) { applications(first: $f, after: $a) { nodes { id } } }`, () => key],
    ['eventTypes', `query($f: Int, $a: String) { eventTypes(first: $f, after: $a) { nodes { id } } }`, () => key],
    ['members', `query($f: Int, $a: String) { members(first: $f, after: $a) { nodes { id } } }`, () => key],
    ['apiKeys', `query($f: Int, $a: String) { apiKeys(first: $f, after: $a) { nodes { id } } }`, () => key],
    ['endpoints', `query($f: Int, $a: String) { endpoints(application: "${APP_UID}", first: $f, after: $a) { nodes { id } } }`, () => key],
    ['messages', `query($f: Int, $a: String) { messages(application: "${APP_UID}", first: $f, after: $a) { nodes { id } } }`, () => key],
    ['deliveries', `query($f: Int, $a: String, $e: ID) { deliveries(endpointId: $e, first: $f, after: $a) { nodes { id } } }`, () => key],
    ['attempts', `query($f: Int, $a: String, $e: ID) { attempts(endpointId: $e, first: $f, after: $a) { nodes { id } } }`, () => key],
    ['tenants', `query($f: Int, $a: String) { tenants(first: $f, after: $a) { nodes { id } } }`, () => OPERATOR_TOKEN],
  ];
  const BAD_SIZES = [0, -1, 251];
  // prettier-ignore
  const BAD_CURSORS: [label: string, cursor: string][] = [
    ['garbage', 'garbage!!'],
    ['empty', ''],
    ['SQL', "app_1' OR '1'='1"],
    ['overlong', `app_${'A'.repeat(100)}`],
    ['base64', Buffer.from('{"offset":10}').toString('base64')],
  ];

  it.each(
    LISTS.flatMap(([name, doc, token]) => BAD_SIZES.map((n) => [name, n, doc, token] as const)),
  )('%s(first: %i) answers BAD_USER_INPUT on first', async (_name, first, doc, token) => {
    await expectRejected(api, token(), doc, { f: first, e: endpointId }, 'BAD_USER_INPUT', 'first');
  });

  it.each(
    LISTS.flatMap(([name, doc, token]) =>
      BAD_CURSORS.map(([label, cursor]) => [name, label, cursor, doc, token] as const),
    ),
  )(
    '%s(after: %s cursor) answers BAD_USER_INPUT on after',
    async (_name, _label, cursor, doc, token) => {
      await expectRejected(
        api,
        token(),
        doc,
        { a: cursor, e: endpointId },
        'BAD_USER_INPUT',
        'after',
      );
    },
  );

  it('first: 10000 is refused (page size or complexity), not run', async () => {
    await expectRejected(
      api,
      key,
      `{ applications(first: 10000) { nodes { id } } }`,
      undefined,
      'BAD_USER_INPUT',
    );
  });

  it('a cursor of another resource type is refused rather than silently paging from it', async () => {
    await expectRejected(
      api,
      key,
      `query($a: String) { applications(after: $a) { nodes { id } } }`,
      { a: `ep_${ULID}` },
      'BAD_USER_INPUT',
      'after',
    );
  });
});

describe('ids', () => {
  // prettier-ignore
  const UNKNOWN: [label: string, doc: string, vars: Vars][] = [
    ['application(id: app_…)', `query($id: ID) { application(id: $id) { id } }`, { id: `app_${ULID}` }],
    ['updateApplication(id: app_…)', `mutation($id: ID!) { updateApplication(id: $id, input: { name: "x" }) { id } }`, { id: `app_${ULID}` }],
    ['deleteApplication(id: app_…)', `mutation($id: ID!) { deleteApplication(id: $id) }`, { id: `app_${ULID}` }],
    ['endpoint(id: ep_…)', `query($id: ID!) { endpoint(id: $id) { id } }`, { id: `ep_${ULID}` }],
    ['rotateEndpointSecret(id: ep_…)', `mutation($id: ID!) { rotateEndpointSecret(id: $id) { key } }`, { id: `ep_${ULID}` }],
    ['deleteEndpoint(id: ep_…)', `mutation($id: ID!) { deleteEndpoint(id: $id) }`, { id: `ep_${ULID}` }],
    ['createEndpoint(application: app_…)', `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/x" }) { id } }`, { a: `app_${ULID}` }],
    ['message(id: msg_…)', `query($id: ID!) { message(id: $id) { id } }`, { id: `msg_${ULID}` }],
    ['deliveries(messageId: msg_…)', `query($id: ID) { deliveries(messageId: $id) { nodes { id } } }`, { id: `msg_${ULID}` }],
    ['attempts(endpointId: ep_…)', `query($id: ID) { attempts(endpointId: $id) { nodes { id } } }`, { id: `ep_${ULID}` }],
    ['eventType(name: et_…)', `query($n: String!) { eventType(name: $n) { id } }`, { n: `et_${ULID}` }],
    ['updateEventType(name: et_…)', `mutation($n: String!) { updateEventType(name: $n, input: { description: "x" }) { id } }`, { n: `et_${ULID}` }],
    ['updateMemberRole(id: mbr_…)', `mutation($id: ID!) { updateMemberRole(id: $id, role: viewer) { id } }`, { id: `mbr_${ULID}` }],
    ['removeMember(id: mbr_…)', `mutation($id: ID!) { removeMember(id: $id) }`, { id: `mbr_${ULID}` }],
    ['revokeApiKey(id: key_…)', `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: `key_${ULID}` }],
    ['sendMessage(application: app_…)', SEND, { i: { application: `app_${ULID}`, eventType: 'a.b', payload: {} } }],
  ];

  it.each(UNKNOWN)('an unknown %s answers NOT_FOUND', async (_label, doc, vars) => {
    await expectRejected(api, key, doc, vars, 'NOT_FOUND');
  });

  it('an unknown tnt_ id at log-in answers UNAUTHENTICATED and opens no session', async () => {
    const email = 'unknown-tenant@example.com';
    await api.ok(
      `mutation($e: String!) { signUp(email: $e, password: "long enough password", tenantName: "U") { token } }`,
      { e: email },
    );
    await expectRejected(
      api,
      null,
      `mutation($e: String!, $t: ID) { logIn(email: $e, password: "long enough password", tenantId: $t) { token } }`,
      { e: email, t: `tnt_${ULID}` },
      'UNAUTHENTICATED',
    );
  });

  // prettier-ignore
  const WRONG_PREFIX: [label: string, doc: string, vars: Vars, field: string][] = [
    ['application(id: ep_…)', `query($id: ID) { application(id: $id) { id } }`, { id: `ep_${ULID}` }, 'id'],
    ['endpoint(id: app_…)', `query($id: ID!) { endpoint(id: $id) { id } }`, { id: `app_${ULID}` }, 'id'],
    ['enableEndpoint(id: msg_…)', `mutation($id: ID!) { enableEndpoint(id: $id) { id } }`, { id: `msg_${ULID}` }, 'id'],
    ['rotateEndpointSecret(id: sec_…)', `mutation($id: ID!) { rotateEndpointSecret(id: $id) { key } }`, { id: `sec_${ULID}` }, 'id'],
    ['message(id: dlv_…)', `query($id: ID!) { message(id: $id) { id } }`, { id: `dlv_${ULID}` }, 'id'],
    ['deliveries(messageId: ep_…)', `query($id: ID) { deliveries(messageId: $id) { nodes { id } } }`, { id: `ep_${ULID}` }, 'messageId'],
    ['deliveries(endpointId: msg_…)', `query($id: ID) { deliveries(endpointId: $id) { nodes { id } } }`, { id: `msg_${ULID}` }, 'endpointId'],
    ['attempts(messageId: att_…)', `query($id: ID) { attempts(messageId: $id) { nodes { id } } }`, { id: `att_${ULID}` }, 'messageId'],
    ['attempts(endpointId: app_…)', `query($id: ID) { attempts(endpointId: $id) { nodes { id } } }`, { id: `app_${ULID}` }, 'endpointId'],
    ['updateMemberRole(id: usr_…)', `mutation($id: ID!) { updateMemberRole(id: $id, role: viewer) { id } }`, { id: `usr_${ULID}` }, 'id'],
    ['removeMember(id: key_…)', `mutation($id: ID!) { removeMember(id: $id) }`, { id: `key_${ULID}` }, 'id'],
    ['revokeApiKey(id: ep_…)', `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: `ep_${ULID}` }, 'id'],
    ['retryDelivery(id: msg_…)', `mutation($id: ID!) { retryDelivery(id: $id) { id } }`, { id: `msg_${ULID}` }, 'id'],
    ['resendMessage(messageId: ep_…)', `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`, { m: `ep_${ULID}`, e: `ep_${ULID}` }, 'messageId'],
    ['resendMessage(endpointId: msg_…)', `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`, { m: `msg_${ULID}`, e: `msg_${ULID}` }, 'endpointId'],
    ['recoverEndpoint(id: app_…)', `mutation($id: ID!) { recoverEndpoint(id: $id, since: "2024-01-01T00:00:00Z") }`, { id: `app_${ULID}` }, 'id'],
  ];

  it.each(WRONG_PREFIX)(
    '%s (wrong prefix) answers BAD_USER_INPUT',
    async (_label, doc, vars, field) => {
      await expectRejected(api, key, doc, vars, 'BAD_USER_INPUT', field);
    },
  );

  // prettier-ignore
  const MALFORMED: [label: string, doc: string, vars: Vars][] = [
    ['an empty endpoint id', `query($id: ID!) { endpoint(id: $id) { id } }`, { id: '' }],
    ['an empty application id', `query($id: ID) { application(id: $id) { id } }`, { id: '' }],
    ['an empty application reference', `mutation($id: ID!) { deleteApplication(id: $id) }`, { id: '' }],
    ['a 10,000-character endpoint id', `query($id: ID!) { endpoint(id: $id) { id } }`, { id: `ep_${'A'.repeat(10_000)}` }],
    ['a 10,000-character message id', `query($id: ID!) { message(id: $id) { id } }`, { id: `msg_${'A'.repeat(10_000)}` }],
    ['a 10,000-character uid', `query($u: String) { application(uid: $u) { id } }`, { u: 'u'.repeat(10_000) }],
    ['a 10,000-character event type name', `query($n: String!) { eventType(name: $n) { id } }`, { n: 'n'.repeat(10_000) }],
    ['both id and uid', `query($id: ID, $u: String) { application(id: $id, uid: $u) { id } }`, { id: `app_${ULID}`, u: APP_UID }],
    ['neither id nor uid', `query { application { id } }`, {}],
    ['deliveries with neither messageId nor endpointId', `query { deliveries { nodes { id } } }`, {}],
  ];

  it.each(MALFORMED)('%s answers BAD_USER_INPUT', async (_label, doc, vars) => {
    await expectRejected(api, key, doc, vars, 'BAD_USER_INPUT');
  });
});

describe('SQL injection strings', () => {
  // prettier-ignore
  const LOOKUPS: [label: string, doc: string, vars: Vars, expected: string][] = [
    ['application(id)', `query($v: ID) { application(id: $v) { id } }`, { v: SQL_DROP }, 'NOT_FOUND'],
    ['application(uid)', `query($v: String) { application(uid: $v) { id } }`, { v: SQL_OR }, 'NOT_FOUND'],
    ['applications(uid) filter', `query($v: String) { applications(uid: $v) { nodes { id } } }`, { v: SQL_OR }, 'EMPTY'],
    ['applications(name) filter', `query($v: String) { applications(name: $v) { nodes { id } } }`, { v: SQL_OR }, 'EMPTY'],
    ['applications(name) LIKE wildcards', `query($v: String) { applications(name: $v) { nodes { id } } }`, { v: '%_%' }, 'EMPTY'],
    ['eventType(name)', `query($v: String!) { eventType(name: $v) { id } }`, { v: SQL_OR }, 'NOT_FOUND'],
    ['eventTypes(namePrefix) filter', `query($v: String) { eventTypes(namePrefix: $v) { nodes { id } } }`, { v: SQL_OR }, 'EMPTY'],
    ['messages(application)', `query($v: String!) { messages(application: $v) { nodes { id } } }`, { v: SQL_DROP }, 'NOT_FOUND'],
    ['messages(eventTypes) filter', `query($v: String!) { messages(application: "${APP_UID}", eventTypes: [$v]) { nodes { id } } }`, { v: SQL_OR }, 'EMPTY'],
    ['messages(channel) filter', `query($v: String!) { messages(application: "${APP_UID}", channel: $v) { nodes { id } } }`, { v: SQL_OR }, 'EMPTY'],
    ['message(id)', `query($v: ID!) { message(id: $v) { id } }`, { v: `msg_x${SQL_OR}` }, 'NOT_FOUND'],
    ['endpoint(id)', `query($v: ID!) { endpoint(id: $v) { id } }`, { v: `ep_x${SQL_OR}` }, 'NOT_FOUND'],
    ['endpoints(application)', `query($v: String!) { endpoints(application: $v) { nodes { id } } }`, { v: SQL_DROP }, 'NOT_FOUND'],
    ['deleteApplication(id)', `mutation($v: ID!) { deleteApplication(id: $v) }`, { v: SQL_DROP }, 'NOT_FOUND'],
    ['updateEventType(name)', `mutation($v: String!) { updateEventType(name: $v, input: { description: "x" }) { id } }`, { v: SQL_OR }, 'NOT_FOUND'],
    ['sendMessage(application)', SEND, { i: { application: SQL_DROP, eventType: 'a.b', payload: {} } }, 'NOT_FOUND'],
    ['sendMessage(eventType)', SEND, { i: { application: APP_UID, eventType: SQL_OR, payload: {} } }, 'BAD_USER_INPUT'],
    ['createApplication(uid)', `mutation($v: String) { createApplication(input: { name: "x", uid: $v }) { id } }`, { v: SQL_OR }, 'BAD_USER_INPUT'],
    ['createEventType(name)', `mutation($v: String!) { createEventType(input: { name: $v }) { id } }`, { v: SQL_DROP }, 'BAD_USER_INPUT'],
    ['createEndpoint(url)', `mutation($v: String!) { createEndpoint(input: { application: "${APP_UID}", url: $v }) { id } }`, { v: `http://127.0.0.1/x${SQL_OR}` }, 'BAD_USER_INPUT'],
    ['inviteMember(email)', `mutation($v: String!) { inviteMember(email: $v, role: viewer) { invitationSentTo } }`, { v: SQL_OR }, 'BAD_USER_INPUT'],
    ['logIn(email)', `mutation($v: String!) { logIn(email: $v, password: "irrelevant pw 1") { token } }`, { v: `${SQL_OR}@example.com` }, 'UNAUTHENTICATED'],
  ];

  it.each(LOOKUPS)(
    'as %s finds nothing and changes nothing',
    async (_label, doc, vars, expected) => {
      if (expected === 'EMPTY') {
        const before = await rowCounts(api);
        const result = await api.gql(doc, vars, key);
        expect(result.errors).toBeUndefined();
        expect(Object.values(result.data!)[0].nodes).toEqual([]);
        expect(await rowCounts(api)).toEqual(before);
      } else {
        await expectRejected(api, key, doc, vars, expected);
      }
    },
  );

  it('in payload keys and values are stored verbatim and read back equal', async () => {
    const payload = {
      a: SQL_OR,
      b: SQL_DROP,
      [SQL_OR]: { nested: [SQL_DROP, "'; SELECT pg_sleep(10); --", '$1', '\\x00', '%', '_'] },
      quote: `"'\`\\`,
    };
    const sent = await api.ok(
      SEND,
      { i: { application: APP_UID, eventType: 'order.paid', payload } },
      key,
    );
    const id = sent.sendMessage.message.id;
    expect(sent.sendMessage.message.payload).toEqual(payload);
    expect(
      (await api.ok(`query($id: ID!) { message(id: $id) { payload } }`, { id }, key)).message
        .payload,
    ).toEqual(payload);
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT payload FROM messages WHERE id = $1`, [id]),
    );
    expect(row.payload).toEqual(payload);
  });

  it('in names, descriptions and metadata are stored verbatim, and every table is still there', async () => {
    const name = `${SQL_DROP} ${SQL_OR}`;
    const app = (
      await api.ok(
        `mutation($n: String!, $m: JSONObject) { createApplication(input: { name: $n, metadata: $m }) { id name metadata } }`,
        { n: name, m: { note: SQL_DROP } },
        key,
      )
    ).createApplication;
    expect(app).toMatchObject({ name, metadata: { note: SQL_DROP } });
    const ep = (
      await api.ok(
        `mutation($a: String!, $d: String) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/sql", description: $d }) { id description } }`,
        { a: app.id, d: SQL_DROP },
        key,
      )
    ).createEndpoint;
    expect(ep.description).toBe(SQL_DROP);
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT name, metadata FROM applications WHERE id = $1`, [app.id]),
    );
    expect(row).toEqual({ name, metadata: { note: SQL_DROP } });
    // rowCounts reads every table: it throws if any was dropped.
    expect(Object.keys(await rowCounts(api))).toEqual(TABLES);
  });
});

describe('GraphQL injection strings', () => {
  const INJECTIONS = [
    `"){ id } } mutation { deleteApplication(id: "${APP_UID}") }`,
    `x") { id } __schema { types { name } } #`,
    `{ "$gt": "" }`,
  ];

  it.each(INJECTIONS)(
    'as an application name (%s) are stored as text, nothing else runs',
    async (name) => {
      const before = await rowCounts(api);
      const created = (await api.ok(CREATE_APP, { n: name }, key)).createApplication;
      expect(created.name).toBe(name);
      expect(
        (await api.ok(`query($id: ID) { application(id: $id) { name } }`, { id: created.id }, key))
          .application.name,
      ).toBe(name);
      expect(await rowCounts(api)).toEqual({ ...before, applications: before.applications + 1 });
      expect(
        (await api.ok(`query { application(uid: "${APP_UID}") { id } }`, {}, key)).application.id,
      ).toBe(appId);
    },
  );

  it.each(INJECTIONS)('as an event type name (%s) answer BAD_USER_INPUT', async (name) => {
    await expectRejected(
      api,
      key,
      `mutation($n: String!) { createEventType(input: { name: $n }) { id } }`,
      { n: name },
      'BAD_USER_INPUT',
      'name',
    );
  });
});

describe('NUL characters, lone surrogates and control characters', () => {
  // PostgreSQL text and jsonb cannot hold NUL: each must be refused as input, never reach SQL.
  // prettier-ignore
  const NUL_CASES: [label: string, doc: string, vars: Vars][] = [
    ['a payload string value', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: { s: NUL } } }],
    ['a payload key', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: { [NUL]: 1 } } }],
    ['a payload in a batch', SEND_MANY, { m: [{ application: APP_UID, eventType: 'a.b', payload: {} }, { application: APP_UID, eventType: 'a.b', payload: { s: NUL } }] }],
    ['sendMessage application', SEND, { i: { application: NUL, eventType: 'a.b', payload: {} } }],
    ['sendMessage idempotencyKey', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, idempotencyKey: NUL } }],
    ['sendMessage eventId', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, eventId: NUL } }],
    ['sendMessage channels', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, channels: [NUL] } }],
    ['application(uid)', `query($v: String) { application(uid: $v) { id } }`, { v: NUL }],
    ['application(id)', `query($v: ID) { application(id: $v) { id } }`, { v: `app_${NUL}` }],
    ['applications(uid)', `query($v: String) { applications(uid: $v) { nodes { id } } }`, { v: NUL }],
    ['applications(name)', `query($v: String) { applications(name: $v) { nodes { id } } }`, { v: NUL }],
    ['endpoints(application)', `query($v: String!) { endpoints(application: $v) { nodes { id } } }`, { v: NUL }],
    ['messages(application)', `query($v: String!) { messages(application: $v) { nodes { id } } }`, { v: NUL }],
    ['messages(eventTypes)', `query($v: String!) { messages(application: "${APP_UID}", eventTypes: [$v]) { nodes { id } } }`, { v: NUL }],
    ['messages(channel)', `query($v: String!) { messages(application: "${APP_UID}", channel: $v) { nodes { id } } }`, { v: NUL }],
    ['eventType(name)', `query($v: String!) { eventType(name: $v) { id } }`, { v: NUL }],
    ['eventTypes(namePrefix)', `query($v: String) { eventTypes(namePrefix: $v) { nodes { id } } }`, { v: NUL }],
    ['endpoint(id)', `query($v: ID!) { endpoint(id: $v) { id } }`, { v: `ep_${NUL}` }],
    ['message(id)', `query($v: ID!) { message(id: $v) { id } }`, { v: `msg_${NUL}` }],
    ['deliveries(messageId)', `query($v: ID) { deliveries(messageId: $v) { nodes { id } } }`, { v: `msg_${NUL}` }],
    ['revokeApiKey(id)', `mutation($v: ID!) { revokeApiKey(id: $v) { id } }`, { v: `key_${NUL}` }],
    ['removeMember(id)', `mutation($v: ID!) { removeMember(id: $v) }`, { v: `mbr_${NUL}` }],
    ['createApplication name', `mutation($v: String!) { createApplication(input: { name: $v }) { id } }`, { v: NUL }],
    ['createApplication metadata value', `mutation($v: JSONObject) { createApplication(input: { name: "x", metadata: $v }) { id } }`, { v: { k: NUL } }],
    ['createEndpoint url', `mutation($v: String!) { createEndpoint(input: { application: "${APP_UID}", url: $v }) { id } }`, { v: `http://127.0.0.1/${NUL}` }],
    ['createEndpoint description', `mutation($v: String) { createEndpoint(input: { application: "${APP_UID}", url: "http://127.0.0.1/x", description: $v }) { id } }`, { v: NUL }],
    ['createEndpoint payloadFilter', `mutation($v: JSONObject) { createEndpoint(input: { application: "${APP_UID}", url: "http://127.0.0.1/x", payloadFilter: $v }) { id } }`, { v: { a: NUL } }],
    ['updateEndpoint description', `mutation($id: ID!, $v: String) { updateEndpoint(id: $id, input: { description: $v }) { id } }`, { v: NUL }],
    ['disableEndpoint reason', `mutation($id: ID!, $v: String) { disableEndpoint(id: $id, reason: $v) { id } }`, { v: NUL }],
    ['createEventType description', `mutation($v: String) { createEventType(input: { name: "nul.desc", description: $v }) { id } }`, { v: NUL }],
    ['createEventType example', `mutation($v: JSON) { createEventType(input: { name: "nul.example", example: $v }) { id } }`, { v: { a: NUL } }],
    ['createEventType schema', `mutation($v: JSONObject) { createEventType(input: { name: "nul.schema", schema: $v }) { id } }`, { v: { type: 'object', description: NUL } }],
    ['createApiKey name', `mutation($v: String!) { createApiKey(input: { name: $v }) { key } }`, { v: NUL }],
    ['inviteMember email', `mutation($v: String!) { inviteMember(email: $v, role: viewer) { invitationSentTo } }`, { v: `a${NUL}@example.com` }],
    ['signUp email', `mutation($v: String!) { signUp(email: $v, password: "long enough password", tenantName: "T") { token } }`, { v: `a${NUL}@example.com` }],
    ['logIn email', `mutation($v: String!) { logIn(email: $v, password: "long enough password") { token } }`, { v: `a${NUL}@example.com` }],
  ];

  it.each(NUL_CASES)(
    'NUL in %s answers BAD_USER_INPUT, not a server error',
    async (_label, doc, vars) => {
      await expectRejected(api, key, doc, { id: endpointId, ...vars }, 'BAD_USER_INPUT');
    },
  );

  it.each([
    ['a payload value', { s: '\ud800' }],
    ['a payload key', { ['\udc00']: 1 }],
  ])('a lone UTF-16 surrogate in %s answers BAD_USER_INPUT', async (_label, payload) => {
    await expectRejected(
      api,
      key,
      SEND,
      { i: { application: APP_UID, eventType: 'a.b', payload } },
      'BAD_USER_INPUT',
    );
  });

  it('payload text that merely spells an escape (backslash, u0000) is ordinary text, stored verbatim', async () => {
    const payload = { path: 'C:\\u0000\\dir', regex: '\\u0000-\\u001f' };
    const sent = await api.gql(
      SEND,
      { i: { application: APP_UID, eventType: 'a.b', payload } },
      key,
    );
    expect(sent.errors).toBeUndefined();
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT payload FROM messages WHERE id = $1`, [sent.data?.sendMessage.message.id]),
    );
    expect(row.payload).toEqual(payload);
  });

  // prettier-ignore
  const CONTROL: [label: string, doc: string, vars: Vars, field: string][] = [
    ['a BEL in an application name', CREATE_APP, { n: 'bell\u0007' }, 'name'],
    ['a newline in an application name', CREATE_APP, { n: 'line\nbreak' }, 'name'],
    ['a DEL in an application name', CREATE_APP, { n: 'del\u007f' }, 'name'],
    ['an escape sequence in an API key name', `mutation($n: String!) { createApiKey(input: { name: $n }) { key } }`, { n: '\u001b[31mred' }, 'name'],
    ['a carriage return in a tenant name', `mutation($n: String!) { signUp(email: "ctrl@example.com", password: "long enough password", tenantName: $n) { token } }`, { n: 'Acme\r\nX-Injected: 1' }, 'tenantName'],
    ['a tab in an event type name', `mutation($n: String!) { createEventType(input: { name: $n }) { id } }`, { n: 'order\t.paid' }, 'name'],
    ['a newline in a uid', `mutation($u: String) { createApplication(input: { name: "x", uid: $u }) { id } }`, { u: 'cust\n2' }, 'uid'],
    ['a newline in a channel', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, channels: ['eu\n'] } }, 'channels'],
  ];

  it.each(CONTROL)('%s answers BAD_USER_INPUT', async (_label, doc, vars, field) => {
    await expectRejected(api, key, doc, vars, 'BAD_USER_INPUT', field);
  });
});

describe('names', () => {
  const CREATE_ET = `mutation($n: String!) { createEventType(input: { name: $n }) { id } }`;
  // prettier-ignore
  const EVENT_TYPE_NAMES: [label: string, name: string][] = [
    ['with a space', 'invoice paid'],
    ['with accented letters', 'facture.payée'],
    ['with an emoji', 'order.💸'],
    ['in CJK', '注文.支払い'],
    ['of 10,000 characters', 'a'.repeat(10_000)],
    ['of 257 characters', 'a'.repeat(257)],
    ['empty', ''],
    ['with an empty segment', 'invoice..paid'],
    ['with a trailing dot', 'invoice.paid.'],
    ['with a leading dot', '.invoice'],
    ['with a slash', 'invoice/paid'],
  ];

  it.each(EVENT_TYPE_NAMES)(
    'an event type name %s answers BAD_USER_INPUT',
    async (_label, name) => {
      await expectRejected(api, key, CREATE_ET, { n: name }, 'BAD_USER_INPUT', 'name');
    },
  );

  it.each(EVENT_TYPE_NAMES)(
    'sending a message with an event type name %s answers BAD_USER_INPUT',
    async (_label, name) => {
      await expectRejected(
        api,
        key,
        SEND,
        { i: { application: APP_UID, eventType: name, payload: {} } },
        'BAD_USER_INPUT',
        'eventType',
      );
    },
  );

  it('the longest valid event type name (256 characters) is accepted', async () => {
    const result = await api.gql(CREATE_ET, { n: 'a'.repeat(256) }, key);
    expect(result.errors).toBeUndefined();
  });

  // prettier-ignore
  const OTHER: [label: string, doc: string, vars: Vars, field: string][] = [
    ['an application name of 10,000 characters', CREATE_APP, { n: 'n'.repeat(10_000) }, 'name'],
    ['an empty application name', CREATE_APP, { n: '' }, 'name'],
    ['a blank application name', CREATE_APP, { n: '   ' }, 'name'],
    ['a uid of 10,000 characters', `mutation($u: String) { createApplication(input: { name: "x", uid: $u }) { id } }`, { u: 'u'.repeat(10_000) }, 'uid'],
    ['a uid with unicode', `mutation($u: String) { createApplication(input: { name: "x", uid: $u }) { id } }`, { u: 'kunde-ü' }, 'uid'],
    ['a uid with a space', `mutation($u: String) { createApplication(input: { name: "x", uid: $u }) { id } }`, { u: 'cust 2' }, 'uid'],
    ['a uid shaped like an id', `mutation($u: String) { createApplication(input: { name: "x", uid: $u }) { id } }`, { u: `app_${ULID}` }, 'uid'],
    ['an API key name of 10,000 characters', `mutation($n: String!) { createApiKey(input: { name: $n }) { key } }`, { n: 'k'.repeat(10_000) }, 'name'],
    ['a tenant name of 10,000 characters', `mutation($n: String!) { signUp(email: "long@example.com", password: "long enough password", tenantName: $n) { token } }`, { n: 't'.repeat(10_000) }, 'tenantName'],
    ['an endpoint description of 10,000 characters', `mutation($d: String) { createEndpoint(input: { application: "${APP_UID}", url: "http://127.0.0.1/x", description: $d }) { id } }`, { d: 'd'.repeat(10_000) }, 'description'],
    ['nested metadata', `mutation($m: JSONObject) { createApplication(input: { name: "x", metadata: $m }) { id } }`, { m: { a: { b: 'c' } } }, 'metadata.a'],
    ['non-string metadata', `mutation($m: JSONObject) { createApplication(input: { name: "x", metadata: $m }) { id } }`, { m: { n: 5 } }, 'metadata.n'],
    ['metadata with 51 keys', `mutation($m: JSONObject) { createApplication(input: { name: "x", metadata: $m }) { id } }`, { m: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['a channel with a space', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, channels: ['eu west'] } }, 'channels'],
    ['eleven channels', SEND, { i: { application: APP_UID, eventType: 'a.b', payload: {}, channels: Array.from({ length: 11 }, (_, i) => `c${i}`) } }, 'channels'],
  ];

  it.each(OTHER)('%s answers BAD_USER_INPUT', async (_label, doc, vars, field) => {
    await expectRejected(api, key, doc, vars, 'BAD_USER_INPUT', field);
  });
});

describe('endpoint URLs', () => {
  // prettier-ignore
  const URLS: [label: string, url: string][] = [
    ['not a URL', 'not a url'],
    ['empty', ''],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a file: URL', 'file:///etc/passwd'],
    ['an ftp: URL', 'ftp://example.com/x'],
    ['a scheme with no host', 'http://'],
    ['a relative path', '/hooks/1'],
    ['credentials in the URL', 'http://user:pass@127.0.0.1/x'],
    ['a newline in the URL', 'http://127.0.0.1/x\nHost: evil'],
    ['a URL of 10,000 characters', `http://127.0.0.1/${'a'.repeat(10_000)}`],
    ['a metadata address', 'http://169.254.169.254/latest/meta-data'],
  ];

  it.each(URLS)('%s answers BAD_USER_INPUT on url', async (_label, url) => {
    await expectRejected(
      api,
      key,
      `mutation($u: String!) { createEndpoint(input: { application: "${APP_UID}", url: $u }) { id } }`,
      { u: url },
      'BAD_USER_INPUT',
      'url',
    );
  });

  it.each(URLS)(
    '%s in an update answers BAD_USER_INPUT and keeps the old URL',
    async (_label, url) => {
      await expectRejected(
        api,
        key,
        `mutation($id: ID!, $u: String) { updateEndpoint(id: $id, input: { url: $u }) { id } }`,
        { id: endpointId, u: url },
        'BAD_USER_INPUT',
        'url',
      );
      expect(
        (await api.ok(`query($id: ID!) { endpoint(id: $id) { url } }`, { id: endpointId }, key))
          .endpoint.url,
      ).toBe('http://127.0.0.1:9/hook');
    },
  );
});

describe('messages', () => {
  const message = (extra: Vars = {}) => ({
    application: APP_UID,
    eventType: 'bulk.item',
    payload: {},
    ...extra,
  });

  it('a batch of 1,001 messages answers BAD_USER_INPUT and stores none', async () => {
    const result = await expectRejected(
      api,
      key,
      SEND_MANY,
      { m: Array.from({ length: 1001 }, (_, i) => message({ payload: { i } })) },
      'BAD_USER_INPUT',
      'messages',
    );
    expect(result.errors?.[0].message).toMatch(/1000/);
  });

  it('an empty batch answers BAD_USER_INPUT', async () => {
    await expectRejected(api, key, SEND_MANY, { m: [] }, 'BAD_USER_INPUT', 'messages');
  });

  it('one bad message at the end of a full batch rejects all 1,000, naming the culprit', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => message({ payload: { i } }));
    batch[999] = message({ eventType: 'bad name' });
    await expectRejected(
      api,
      key,
      SEND_MANY,
      { m: batch },
      'BAD_USER_INPUT',
      'messages.999.eventType',
    );
  });

  // prettier-ignore
  const KEYS: [label: string, extra: Vars, field: string][] = [
    ['an idempotency key of 1,000 characters', { idempotencyKey: 'k'.repeat(1000) }, 'idempotencyKey'],
    ['an idempotency key of 257 characters', { idempotencyKey: 'k'.repeat(257) }, 'idempotencyKey'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
    ['an event id of 1,000 characters', { eventId: 'e'.repeat(1000) }, 'eventId'],
    ['an empty event id', { eventId: '' }, 'eventId'],
  ];

  it.each(KEYS)('%s answers BAD_USER_INPUT', async (_label, extra, field) => {
    await expectRejected(api, key, SEND, { i: message(extra) }, 'BAD_USER_INPUT', field);
  });

  it('a payload over HERALD_MAX_PAYLOAD_BYTES answers BAD_USER_INPUT with its size and the limit', async () => {
    const payload = { s: 'x'.repeat(2041) }; // {"s":"…"} is 8 bytes of framing: 2,049 in all
    const result = await expectRejected(
      limited,
      limitedKey,
      SEND,
      { i: { application: 'lim', eventType: 'a.b', payload } },
      'BAD_USER_INPUT',
      'payload',
    );
    expect(result.errors?.[0].extensions).toMatchObject({ size: 2049, limit: 2048 });
  });

  it('a payload of multi-byte characters is measured in bytes, not characters', async () => {
    const payload = { s: 'é'.repeat(1100) }; // 1,100 characters, 2,200 bytes
    const result = await expectRejected(
      limited,
      limitedKey,
      SEND,
      { i: { application: 'lim', eventType: 'a.b', payload } },
      'BAD_USER_INPUT',
      'payload',
    );
    expect(result.errors?.[0].extensions).toMatchObject({ size: 2208, limit: 2048 });
  });

  it('a payload of exactly HERALD_MAX_PAYLOAD_BYTES is accepted', async () => {
    const result = await limited.gql(
      SEND,
      { i: { application: 'lim', eventType: 'a.b', payload: { s: 'x'.repeat(2040) } } },
      limitedKey,
    );
    expect(result.errors).toBeUndefined();
  });

  it('a payload nested 5,000 levels deep answers BAD_USER_INPUT, not a server error', async () => {
    const before = await rowCounts(api);
    const body = `{"query":${JSON.stringify(SEND)},"variables":{"i":{"application":"${APP_UID}","eventType":"a.b","payload":${nested(5000)}}}}`;
    const result = await postRaw(api, body, { authorization: `Bearer ${key}` });
    expect(codeOf(result), JSON.stringify(result.errors)).toBe('BAD_USER_INPUT');
    expect(result.status).toBeLessThan(500);
    expect(await rowCounts(api)).toEqual(before);
  });
});

describe('JSON Schemas', () => {
  const CREATE = `mutation($n: String!, $s: JSONObject) { createEventType(input: { name: $n, schema: $s }) { id } }`;
  // prettier-ignore
  const SCHEMAS: [label: string, schema: Record<string, unknown>][] = [
    ['an unknown type', { type: 'no-such-type' }],
    ['a number where a type name belongs', { type: 'object', properties: { a: { type: 12 } } }],
    ['a negative minLength', { type: 'string', minLength: -1 }],
    ['required that is not an array', { type: 'object', required: 'a' }],
    ['a remote $ref', { $ref: 'https://schemas.example.com/evil.json' }],
    ['a dangling local $ref', { $ref: '#/definitions/missing' }],
    ['an invalid pattern', { type: 'string', pattern: '(' }],
    ['properties that is an array', { type: 'object', properties: [] }],
  ];

  it.each(SCHEMAS)('a schema with %s answers BAD_USER_INPUT on schema', async (_label, schema) => {
    await expectRejected(
      api,
      key,
      CREATE,
      { n: 'schema.bad', s: schema },
      'BAD_USER_INPUT',
      'schema',
    );
  });

  it.each(SCHEMAS)(
    'updating to a schema with %s answers BAD_USER_INPUT and keeps the old schema',
    async (_label, schema) => {
      await expectRejected(
        api,
        key,
        `mutation($s: JSONObject) { updateEventType(name: "order.paid", input: { schema: $s }) { id } }`,
        { s: schema },
        'BAD_USER_INPUT',
        'schema',
      );
      expect(
        (await api.ok(`query { eventType(name: "order.paid") { schema } }`, {}, key)).eventType
          .schema,
      ).toBeNull();
    },
  );

  it('a schema nested 5,000 levels deep answers BAD_USER_INPUT, not a server error', async () => {
    const before = await rowCounts(api);
    const body = `{"query":${JSON.stringify(CREATE)},"variables":{"n":"schema.deep","s":${nested(5000, 'not')}}}`;
    const result = await postRaw(api, body, { authorization: `Bearer ${key}` });
    expect(codeOf(result), JSON.stringify(result.errors)).toBe('BAD_USER_INPUT');
    expect(result.status).toBeLessThan(500);
    expect(await rowCounts(api)).toEqual(before);
  });
});

describe('per-tenant mutation rate limit (2/s, burst 3)', () => {
  it('answers the 4th quick mutation RATE_LIMITED with retryAfterMs, keeps queries and other tenants going, and recovers', async () => {
    const { apiKey: busy, tenantId } = await throttled.createTenant('Busy');
    const { apiKey: other } = await throttled.createTenant('Other');
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await throttled.gql(CREATE_APP, { n: `burst ${i}` }, busy));
    expect(results.slice(0, 3).map((r) => r.errors)).toEqual([undefined, undefined, undefined]);

    const limitedResult = results[3];
    expect(codeOf(limitedResult)).toBe('RATE_LIMITED');
    const retryAfterMs = limitedResult.errors?.[0].extensions?.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(500);
    expect(limitedResult.status, 'HTTP status of a rate-limited request').toBe(429);
    const stored = await throttled.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM applications WHERE tenant_id = $1`, [tenantId]),
    );
    expect(stored[0].n).toBe(3);

    for (let i = 0; i < 10; i++) {
      const read = await throttled.gql(`query { applications { nodes { id } } }`, {}, busy);
      expect(read.errors).toBeUndefined();
      expect(read.data!.applications.nodes).toHaveLength(3);
    }
    expect((await throttled.gql(CREATE_APP, { n: 'other tenant' }, other)).errors).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
    expect((await throttled.gql(CREATE_APP, { n: 'after waiting' }, busy)).errors).toBeUndefined();
  });
});
