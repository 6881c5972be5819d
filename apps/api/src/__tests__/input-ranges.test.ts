import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, OPERATOR_TOKEN, startTestApi, type TestApi } from './harness';

/*
 * Every argument that takes a date, a number, a page size, a duration, a cursor or an id, sent
 * the extreme values of its type. Each answers BAD_USER_INPUT, or succeeds where the value is a
 * meaningful question (a window before the epoch is empty, not an error); none is ever an
 * INTERNAL_SERVER_ERROR. `messages(until: "0001-01-01T00:00:00Z")` was one: the id-for-time
 * helper threw a RangeError on a negative timestamp.
 *
 * bad-input.test.ts covers the ordinary bad values (first 0/-1/251, garbage cursors, ids of the
 * wrong type, unknown ids); this file covers the ends of each range.
 */

type Vars = Record<string, unknown>;
type Expect = 'BAD_USER_INPUT' | 'OK' | 'CONFLICT';

let api: TestApi;
let key: string;
let appId: string;
let endpointId: string;
let tenantId: string;

const APP_UID = 'ranges-app';
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
/** Crockford base32 has no I, L, O or U; 26 characters after the prefix like a real id. */
const ULID_BAD_ALPHABET = 'UUUUUUUUUUUUUUUUUUUUUUUUUU';
/** A timestamp part beyond 2^48 ms: decodes to a time no id can have. */
const ULID_TIME_OVERFLOW = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const ULID_LOWER = '01m8djtrsv8w4fk5fc5a2qy4fr';

/** Dates at and past the ends of what JavaScript, PostgreSQL and the id clock can hold. */
// prettier-ignore
const DATES: [label: string, value: string, expect: Expect][] = [
  ['year 0001', '0001-01-01T00:00:00Z', 'OK'],
  ['the epoch', '1970-01-01T00:00:00Z', 'OK'],
  ['just before the epoch', '1969-12-31T23:59:59.999Z', 'OK'],
  ['year 9999', '9999-12-31T23:59:59.999Z', 'OK'],
  ['year 10000', '+010000-01-01T00:00:00Z', 'BAD_USER_INPUT'],
  ['year 275760 (the last JavaScript date)', '+275760-09-13T00:00:00Z', 'BAD_USER_INPUT'],
  ['year -271821 (the first JavaScript date)', '-271821-04-20T00:00:00Z', 'BAD_USER_INPUT'],
  ['year 0000 (1 BC; the scalar accepts it)', '0000-01-01T00:00:00Z', 'BAD_USER_INPUT'],
  ['past the last JavaScript date', '+275760-09-13T00:00:00.001Z', 'BAD_USER_INPUT'],
  ['NaN', 'NaN', 'BAD_USER_INPUT'],
  ['Infinity', 'Infinity', 'BAD_USER_INPUT'],
  ['month 13', '2024-13-01T00:00:00Z', 'BAD_USER_INPUT'],
  ['February 30th', '2024-02-30T00:00:00Z', 'BAD_USER_INPUT'],
  ['hour 25', '2024-01-01T25:00:00Z', 'BAD_USER_INPUT'],
  ['an offset of +99:99', '2024-01-01T00:00:00+99:99', 'BAD_USER_INPUT'],
  ['an empty string', '', 'BAD_USER_INPUT'],
  ['a 10,000-digit year', `${'9'.repeat(10_000)}-01-01T00:00:00Z`, 'BAD_USER_INPUT'],
  ['a number of milliseconds', '1700000000000', 'BAD_USER_INPUT'],
];

async function send(doc: string, vars: Vars, token: string | null = key) {
  const result = await api.gql(doc, vars, token);
  const code = codeOf(result);
  return { result, code, outcome: result.errors?.length ? code : 'OK' };
}

async function expectOutcome(doc: string, vars: Vars, expected: Expect, token?: string | null) {
  const { result, code, outcome } = await send(doc, vars, token);
  expect(code, JSON.stringify(result.errors)).not.toBe('INTERNAL_SERVER_ERROR');
  expect(result.status, 'HTTP status').toBeLessThan(500);
  expect(outcome, JSON.stringify(result.errors)).toBe(expected);
}

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: key, tenantId } = await api.createTenant('Ranges'));
  appId = (
    await api.ok(
      `mutation($u: String) { createApplication(input: { name: "R", uid: $u }) { id } }`,
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
  await api.ok(
    `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "r.x", payload: { n: 1 } }) { message { id } } }`,
    { a: APP_UID },
    key,
  );
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('date-time arguments', () => {
  // prettier-ignore
  const ARGS: [name: string, doc: string, vars: () => Vars, ok?: Expect][] = [
    ['messages(since)', `query($d: DateTimeISO) { messages(application: "${APP_UID}", since: $d) { nodes { id } } }`, () => ({})],
    ['messages(until)', `query($d: DateTimeISO) { messages(application: "${APP_UID}", until: $d) { nodes { id } } }`, () => ({})],
    ['messages(since, until)', `query($d: DateTimeISO) { messages(application: "${APP_UID}", since: $d, until: $d) { nodes { id } } }`, () => ({})],
    ['Endpoint.stats(since)', `query($d: DateTimeISO, $id: ID!) { endpoint(id: $id) { stats(since: $d) { succeeded failed pending exhausted } } }`, () => ({ id: endpointId })],
    ['recoverEndpoint(since)', `mutation($d: DateTimeISO!, $id: ID!) { recoverEndpoint(id: $id, since: $d) }`, () => ({ id: endpointId }), 'CONFLICT'],
  ];

  // recoverEndpoint checks its arguments, then answers CONFLICT: this server has no Temporal.
  it.each(
    ARGS.flatMap(([name, doc, vars, ok = 'OK']) =>
      DATES.map(
        ([label, value, expected]) =>
          [name, label, doc, vars, value, expected === 'OK' ? ok : expected] as const,
      ),
    ),
  )('%s = %s', async (_name, _label, doc, vars, value, expected) => {
    await expectOutcome(doc, { ...vars(), d: value }, expected);
  });

  // An expiry must be in the future, so the past is refused too.
  it.each(DATES.map(([label, value, expected]) => [label, value, expected] as const))(
    'createApiKey(expiresAt) = %s',
    async (_label, value, expected) => {
      const future = expected === 'OK' && value.startsWith('9999');
      await expectOutcome(
        `mutation($d: DateTimeISO) { createApiKey(input: { name: "k", role: viewer, expiresAt: $d }) { apiKey { id } } }`,
        { d: value },
        future ? 'OK' : 'BAD_USER_INPUT',
      );
    },
  );
});

describe('page sizes and cursors', () => {
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
  const PREFIX: Record<string, string> = {
    applications: 'app',
    eventTypes: 'et',
    members: 'mbr',
    apiKeys: 'key',
    endpoints: 'ep',
    messages: 'msg',
    deliveries: 'dlv',
    attempts: 'atm',
    tenants: 'tnt',
  };
  const SIZES: [label: string, value: number][] = [
    ['INT_MAX', INT_MAX],
    ['INT_MIN', INT_MIN],
    ['1000', 1000],
  ];
  // prettier-ignore
  const CURSORS: [label: string, cursor: (prefix: string) => string, expected: Expect][] = [
    ['letters outside base32', (p) => `${p}_${ULID_BAD_ALPHABET}`, 'BAD_USER_INPUT'],
    ['a time part beyond 2^48 ms', (p) => `${p}_${ULID_TIME_OVERFLOW}`, 'BAD_USER_INPUT'],
    ['lower case', (p) => `${p}_${ULID_LOWER}`, 'BAD_USER_INPUT'],
    ['a prefix alone', (p) => `${p}_`, 'BAD_USER_INPUT'],
    ['one character short', (p) => `${p}_${'0'.repeat(25)}`, 'BAD_USER_INPUT'],
    ['one character long', (p) => `${p}_${'0'.repeat(27)}`, 'BAD_USER_INPUT'],
    ['the smallest id', (p) => `${p}_${'0'.repeat(26)}`, 'OK'],
    ['a NUL in the id', (p) => `${p}_${'0'.repeat(25)}\u0000`, 'BAD_USER_INPUT'],
    ['a lone surrogate', (p) => `${p}_${'0'.repeat(25)}\ud800`, 'BAD_USER_INPUT'],
    ['a 100,000-character cursor', (p) => `${p}_${'0'.repeat(100_000)}`, 'BAD_USER_INPUT'],
  ];

  it.each(
    LISTS.flatMap(([name, doc, token]) => SIZES.map(([l, n]) => [name, l, n, doc, token] as const)),
  )('%s(first: %s) answers BAD_USER_INPUT', async (_name, _label, first, doc, token) => {
    await expectOutcome(doc, { f: first, e: endpointId }, 'BAD_USER_INPUT', token());
  });

  it.each(
    LISTS.flatMap(([name, doc, token]) =>
      CURSORS.map(
        ([label, cursor, expected]) => [name, label, doc, token, cursor, expected] as const,
      ),
    ),
  )('%s(after: %s)', async (name, _label, doc, token, cursor, expected) => {
    await expectOutcome(doc, { a: cursor(PREFIX[name]), e: endpointId }, expected, token());
  });
});

describe('ids with the right prefix and a body out of range', () => {
  // prettier-ignore
  const ID_ARGS: [name: string, doc: string, prefix: string, token?: () => string][] = [
    ['application(id)', `query($id: ID) { application(id: $id) { id } }`, 'app'],
    ['endpoint(id)', `query($id: ID!) { endpoint(id: $id) { id } }`, 'ep'],
    ['endpointSecret(id)', `query($id: ID!) { endpointSecret(id: $id) { key } }`, 'ep'],
    ['message(id)', `query($id: ID!) { message(id: $id) { id } }`, 'msg'],
    ['deliveries(messageId)', `query($id: ID) { deliveries(messageId: $id) { nodes { id } } }`, 'msg'],
    ['deliveries(endpointId)', `query($id: ID) { deliveries(endpointId: $id) { nodes { id } } }`, 'ep'],
    ['attempts(messageId)', `query($id: ID) { attempts(messageId: $id) { nodes { id } } }`, 'msg'],
    ['retryDelivery(id)', `mutation($id: ID!) { retryDelivery(id: $id) { id } }`, 'dlv'],
    ['expungeMessagePayload(id)', `mutation($id: ID!) { expungeMessagePayload(id: $id) { id } }`, 'msg'],
    ['revokeApiKey(id)', `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, 'key'],
    ['removeMember(id)', `mutation($id: ID!) { removeMember(id: $id) }`, 'mbr'],
    ['createPortalSession(applicationId)', `mutation($id: ID!) { createPortalSession(applicationId: $id) { url } }`, 'app'],
    ['revokePortalSessions(applicationId)', `mutation($id: ID!) { revokePortalSessions(applicationId: $id) }`, 'app'],
    ['setTenantPlan(tenantId)', `mutation($id: ID!) { setTenantPlan(tenantId: $id, plan: pro) }`, 'tnt', () => OPERATOR_TOKEN],
  ];
  // prettier-ignore
  const BODIES: [label: string, body: string][] = [
    ['letters outside base32', ULID_BAD_ALPHABET],
    ['a time part beyond 2^48 ms', ULID_TIME_OVERFLOW],
    ['a NUL', `${'0'.repeat(25)}\u0000`],
    ['a lone surrogate', `${'0'.repeat(25)}\ud800`],
    ['100,000 characters', '0'.repeat(100_000)],
  ];

  it.each(
    ID_ARGS.flatMap(([name, doc, prefix, token]) =>
      BODIES.map(([label, body]) => [name, label, doc, `${prefix}_${body}`, token] as const),
    ),
  )('%s with %s answers BAD_USER_INPUT or NOT_FOUND', async (name, _label, doc, id, token) => {
    const { result, code } = await send(doc, { id }, token ? token() : key);
    expect(code, JSON.stringify(result.errors)).not.toBe('INTERNAL_SERVER_ERROR');
    // An id of the right type that matches nothing is NOT_FOUND (bad-input.test.ts relies on
    // it); retryDelivery answers CONFLICT first on this server, which has no Temporal.
    const allowed = ['BAD_USER_INPUT', name === 'retryDelivery(id)' ? 'CONFLICT' : 'NOT_FOUND'];
    expect(allowed, JSON.stringify(result.errors)).toContain(code);
  });
});

describe('numbers and durations', () => {
  // prettier-ignore
  const NUMBERS: [name: string, doc: string, vars: () => Vars, values: [number, Expect][]][] = [
    ['createApplication(rateLimitPerSecond)', `mutation($n: Int) { createApplication(input: { name: "n", rateLimitPerSecond: $n }) { id } }`, () => ({}),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT'], [-1, 'BAD_USER_INPUT']]],
    ['updateApplication(rateLimitPerSecond)', `mutation($n: Int, $id: ID!) { updateApplication(id: $id, input: { rateLimitPerSecond: $n }) { id } }`, () => ({ id: appId }),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT']]],
    ['createEndpoint(rateLimitPerSecond)', `mutation($n: Int, $a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/n", rateLimitPerSecond: $n }) { id } }`, () => ({ a: appId }),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT']]],
    ['updateEndpoint(rateLimitPerSecond)', `mutation($n: Int, $id: ID!) { updateEndpoint(id: $id, input: { rateLimitPerSecond: $n }) { id } }`, () => ({ id: endpointId }),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT']]],
    ['rotateEndpointSecret(gracePeriodSeconds)', `mutation($n: Int, $id: ID!) { rotateEndpointSecret(id: $id, gracePeriodSeconds: $n) { key } }`, () => ({ id: endpointId }),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [-1, 'BAD_USER_INPUT'], [7 * 86400 + 1, 'BAD_USER_INPUT']]],
    ['setPayloadRetention(days)', `mutation($n: Int!) { setPayloadRetention(days: $n) }`, () => ({}),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT'], [3651, 'BAD_USER_INPUT']]],
    ['createPortalSession(expiresInSeconds)', `mutation($n: Int!, $id: ID!) { createPortalSession(applicationId: $id, expiresInSeconds: $n) { url } }`, () => ({ id: appId }),
      [[INT_MAX, 'BAD_USER_INPUT'], [INT_MIN, 'BAD_USER_INPUT'], [0, 'BAD_USER_INPUT'], [-1, 'BAD_USER_INPUT']]],
  ];

  it.each(
    NUMBERS.flatMap(([name, doc, vars, values]) =>
      values.map(([n, expected]) => [name, n, doc, vars, expected] as const),
    ),
  )('%s = %i', async (_name, n, doc, vars, expected) => {
    await expectOutcome(doc, { ...vars(), n }, expected);
  });

  it('the tenant is untouched by the refused values', async () => {
    const { payloadRetentionDays } = await api.ok(`{ payloadRetentionDays }`, {}, key);
    expect(payloadRetentionDays).toBeGreaterThan(0);
    expect(tenantId).toMatch(/^tnt_/);
  });
});
