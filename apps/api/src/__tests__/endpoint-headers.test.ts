import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

let api: TestApi;
let ownerKey: string;
let appId: string;

const CREATE = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id headers } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) { id headers } }`;
const PORTAL_LINK = `mutation($a: ID!, $c: [PortalCapability!]) { createPortalSession(applicationId: $a, capabilities: $c) { token } }`;
const EXCHANGE = `mutation($t: String!) { exchangePortalToken(token: $t) { sessionToken } }`;

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: ownerKey } = await api.createTenant('Headers Co'));
  appId = (
    await api.ok(`mutation { createApplication(input: { name: "H" }) { id } }`, {}, ownerKey)
  ).createApplication.id;
});
afterAll(() => api?.stop());

async function portalSession(capabilities: string[]): Promise<string> {
  const { token } = (await api.ok(PORTAL_LINK, { a: appId, c: capabilities }, ownerKey))
    .createPortalSession;
  return (await api.ok(EXCHANGE, { t: token })).exchangePortalToken.sessionToken;
}

/** Header name and value that HTTP cannot carry as given, and the field the error must name. */
const BAD: [string, unknown, string][] = [
  ['X-Latin1', 'café', 'headers.X-Latin1'],
  ['X-Euro', '€', 'headers.X-Euro'],
  ['X-Crlf', 'a\r\nInjected: 1', 'headers.X-Crlf'],
  ['X-Cr', 'a\rb', 'headers.X-Cr'],
  ['X-Nul', 'a\u0000b', 'headers.X-Nul'],
  ['X-Control', 'a\u0001b', 'headers.X-Control'],
  ['X-Del', 'a\u007f', 'headers.X-Del'],
  ['X-Leading-Space', ' value', 'headers.X-Leading-Space'],
  ['X-Trailing-Tab', 'value\t', 'headers.X-Trailing-Tab'],
  ['X-Long', 'v'.repeat(1025), 'headers.X-Long'],
  ['X-Number', 5, 'headers.X-Number'],
  ['bad header', 'x', 'headers'],
  ['X-Café', 'x', 'headers'],
  ['X-Colon:', 'x', 'headers'],
  ['Host', 'evil.example', 'headers.Host'],
  ['Content-Type', 'text/plain', 'headers.Content-Type'],
  ['Content-Length', '0', 'headers.Content-Length'],
  ['Transfer-Encoding', 'chunked', 'headers.Transfer-Encoding'],
  ['Connection', 'close', 'headers.Connection'],
  ['webhook-id', 'msg_forged', 'headers.webhook-id'],
  ['Webhook-Timestamp', '1', 'headers.Webhook-Timestamp'],
  ['webhook-signature', 'v1,forged', 'headers.webhook-signature'],
];

const GOOD = {
  Authorization: 'Bearer eyJhbGciOi.J9-_~+/=',
  'X-Empty': '',
  'X-Inner-Tab': 'a\tb c',
  'X-Ascii': '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

describe('custom header validation at save', () => {
  it.each(BAD)('createEndpoint refuses header %j', async (name, value, field) => {
    const result = await api.gql(
      CREATE,
      { input: { application: appId, url: 'http://127.0.0.1:9/h', headers: { [name]: value } } },
      ownerKey,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('updateEndpoint and a WRITE portal session go through the same rules', async () => {
    const { id } = (
      await api.ok(CREATE, { input: { application: appId, url: 'http://127.0.0.1:9/u' } }, ownerKey)
    ).createEndpoint;
    const portal = await portalSession(['READ', 'WRITE']);
    for (const [name, value, field] of BAD) {
      for (const [token, label] of [
        [ownerKey, 'api key'],
        [portal, 'portal'],
      ]) {
        const updated = await api.gql(UPDATE, { id, input: { headers: { [name]: value } } }, token);
        expect(codeOf(updated), `${label} update ${name}`).toBe('BAD_USER_INPUT');
        expect(updated.errors?.[0].extensions?.field, `${label} update ${name}`).toBe(field);
      }
      const created = await api.gql(
        CREATE,
        { input: { application: appId, url: 'http://127.0.0.1:9/p', headers: { [name]: value } } },
        portal,
      );
      expect(created.errors?.[0].extensions?.field, `portal create ${name}`).toBe(field);
    }
    const rows = await api.db.withSystem((m) =>
      m.query(`SELECT headers FROM endpoints WHERE id = $1`, [id]),
    );
    expect(rows[0].headers).toEqual({});
  });

  it('limits how many headers and how much text an endpoint carries', async () => {
    const many = (n: number, size: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v'.repeat(size)]));
    for (const headers of [many(21, 1), many(8, 1024)]) {
      const result = await api.gql(
        CREATE,
        { input: { application: appId, url: 'http://127.0.0.1:9/n', headers } },
        ownerKey,
      );
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.field).toBe('headers');
    }
  });

  it('saves headers HTTP can carry, as given', async () => {
    const created = await api.ok(
      CREATE,
      { input: { application: appId, url: 'http://127.0.0.1:9/g', headers: GOOD } },
      ownerKey,
    );
    expect(created.createEndpoint.headers).toEqual(GOOD);
  });
});

describe('custom header values are write-only', () => {
  const HEADERS = { Authorization: 'Bearer receiver-credential-123', 'X-Team': 'core' };
  const MASKED = { Authorization: '[redacted]', 'X-Team': '[redacted]' };
  const READ = `query($id: ID!, $a: String!) {
    endpoint(id: $id) { headers }
    endpoints(application: $a) { nodes { id headers } } }`;
  let ownerSession: string;
  let app: string;
  let endpointId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ownerSession = (
      await api.ok(
        `mutation { signUp(email: "owner@headers.test", password: "owner password 1", tenantName: "Masks") { token } }`,
      )
    ).signUp.token;
    app = (
      await api.ok(`mutation { createApplication(input: { name: "M" }) { id } }`, {}, ownerSession)
    ).createApplication.id;
    endpointId = (
      await api.ok(
        CREATE,
        { input: { application: app, url: 'http://127.0.0.1:9/m', headers: HEADERS } },
        ownerSession,
      )
    ).createEndpoint.id;
    for (const role of ['viewer', 'developer', 'admin']) {
      tokens[`${role} key`] = (
        await api.ok(
          `mutation($n: String!) { createApiKey(input: { name: $n, role: ${role} }) { key } }`,
          { n: role },
          ownerSession,
        )
      ).createApiKey.key;
    }
    await api.ok(
      `mutation { inviteMember(email: "viewer@headers.test", role: viewer) { invitationSentTo } }`,
      {},
      ownerSession,
    );
    tokens['viewer session'] = (
      await api.ok(
        `mutation($t: String!) { acceptInvitation(token: $t, password: "viewer password 1") { token } }`,
        { t: await api.linkFor('viewer@headers.test', 'accept-invitation') },
      )
    ).acceptInvitation.token;
    for (const [label, caps] of [
      ['READ portal session', ['READ']],
      ['WRITE portal session', ['READ', 'WRITE']],
    ] as const) {
      const { token } = (await api.ok(PORTAL_LINK, { a: app, c: caps }, ownerSession))
        .createPortalSession;
      tokens[label] = (await api.ok(EXCHANGE, { t: token })).exchangePortalToken.sessionToken;
    }
  });

  it.each(['viewer key', 'viewer session', 'READ portal session'])(
    '%s: names shown, values masked',
    async (label) => {
      const data = await api.ok(READ, { id: endpointId, a: app }, tokens[label]);
      expect(data.endpoint.headers).toEqual(MASKED);
      expect(data.endpoints.nodes).toEqual([{ id: endpointId, headers: MASKED }]);
      expect(JSON.stringify(data)).not.toContain('receiver-credential-123');
    },
  );

  it.each(['developer key', 'admin key', 'WRITE portal session'])(
    '%s: values shown, as it could change them anyway',
    async (label) => {
      const data = await api.ok(READ, { id: endpointId, a: app }, tokens[label]);
      expect(data.endpoint.headers).toEqual(HEADERS);
      expect(data.endpoints.nodes).toEqual([{ id: endpointId, headers: HEADERS }]);
    },
  );

  it('an editor saving what it read keeps the values', async () => {
    // The dashboard's form sends back every header it was shown; for writers that is the values.
    const token = tokens['WRITE portal session'];
    const read = (await api.ok(READ, { id: endpointId, a: app }, token)).endpoint.headers;
    const saved = await api.ok(
      UPDATE,
      { id: endpointId, input: { headers: { ...read, 'X-New': '1' } } },
      token,
    );
    expect(saved.updateEndpoint.headers).toEqual({ ...HEADERS, 'X-New': '1' });
    const rows = await api.db.withSystem((m) =>
      m.query(`SELECT headers FROM endpoints WHERE id = $1`, [endpointId]),
    );
    expect(rows[0].headers).toEqual({ ...HEADERS, 'X-New': '1' });
    await api.ok(UPDATE, { id: endpointId, input: { headers: HEADERS } }, token);
  });
});
