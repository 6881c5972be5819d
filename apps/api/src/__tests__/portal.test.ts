import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

let api: TestApi;
let apiKey: string;
let appId: string;

const CREATE = `mutation($a: ID!, $s: Int, $c: [PortalCapability!]) {
  createPortalSession(applicationId: $a, expiresInSeconds: $s, capabilities: $c) {
    url token expiresAt applicationId capabilities } }`;
const EXCHANGE = `mutation($t: String!) { exchangePortalToken(token: $t) {
  sessionToken expiresAt capabilities application { id name uid }
  branding { displayName logoUrl accentColor } } }`;

beforeAll(async () => {
  api = await startTestApi({ HERALD_PUBLIC_URL: 'https://herald.example.test' });
  ({ apiKey } = await api.createTenant('Portal Co'));
  appId = (
    await api.ok(
      `mutation { createApplication(input: { name: "Customer One", uid: "one" }) { id } }`,
      {},
      apiKey,
    )
  ).createApplication.id;
});
afterAll(() => api?.stop());

async function link(vars: Record<string, unknown> = {}) {
  return (await api.ok(CREATE, { a: appId, ...vars }, apiKey)).createPortalSession;
}

describe('consumer portal links', () => {
  it('makes a one-time URL that opens a session limited to the application', async () => {
    const created = await link({ s: 600 });
    expect(created.url).toBe(
      `https://herald.example.test/portal#token=${encodeURIComponent(created.token)}`,
    );
    expect(created.token).toMatch(/^hpl_/);
    expect(created.capabilities).toEqual(['READ', 'WRITE']);
    const expires = new Date(created.expiresAt).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 590_000);
    expect(expires).toBeLessThan(Date.now() + 610_000);
    // Only a hash of the token is stored.
    const stored = await api.db.withSystem((m) =>
      m.query(`SELECT token_hash FROM portal_links WHERE application_id = $1`, [appId]),
    );
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const session = (await api.ok(EXCHANGE, { t: created.token })).exchangePortalToken;
    expect(session.sessionToken).toMatch(/^hps_/);
    expect(session.application).toEqual({ id: appId, name: 'Customer One', uid: 'one' });
    expect(session.capabilities).toEqual(['READ', 'WRITE']);

    // The link works once.
    const again = await api.gql(EXCHANGE, { t: created.token });
    expect(codeOf(again)).toBe('UNAUTHENTICATED');

    const me = await api.ok(
      `query { portalSession { application { id } capabilities expiresAt } }`,
      {},
      session.sessionToken,
    );
    expect(me.portalSession.application.id).toBe(appId);
  });

  it('refuses expired, unknown and malformed link tokens', async () => {
    const created = await link();
    await api.db.withSystem((m) =>
      m.query(`UPDATE portal_links SET expires_at = now() - interval '1 second'`),
    );
    expect(codeOf(await api.gql(EXCHANGE, { t: created.token }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql(EXCHANGE, { t: 'hpl_not-a-real-token' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql(EXCHANGE, { t: 'x'.repeat(5000) }))).toBe('UNAUTHENTICATED');
  });

  it('checks the lifetime and the application, and only tenant credentials create links', async () => {
    expect(codeOf(await api.gql(CREATE, { a: appId, s: 5 }, apiKey))).toBe('BAD_USER_INPUT');
    expect(codeOf(await api.gql(CREATE, { a: appId, s: 30 * 86_400 }, apiKey))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await api.gql(CREATE, { a: appId, c: [] }, apiKey))).toBe('BAD_USER_INPUT');
    expect(codeOf(await api.gql(CREATE, { a: 'app_01NOTAREALAPPLICATION0000' }, apiKey))).toBe(
      'NOT_FOUND',
    );
    const { sessionToken } = (await api.ok(EXCHANGE, { t: (await link()).token }))
      .exchangePortalToken;
    expect(codeOf(await api.gql(CREATE, { a: appId }, sessionToken))).toBe('FORBIDDEN');
  });

  it('a READ link can look but not change anything', async () => {
    const created = await link({ c: ['READ'] });
    expect(created.capabilities).toEqual(['READ']);
    const { sessionToken } = (await api.ok(EXCHANGE, { t: created.token })).exchangePortalToken;
    const listed = await api.ok(
      `query($a: String!) { endpoints(application: $a) { nodes { id } } }`,
      { a: appId },
      sessionToken,
    );
    expect(listed.endpoints.nodes).toEqual([]);
    const refused = await api.gql(
      `mutation($a: String!) { createEndpoint(input: { application: $a, url: "https://example.com/hook" }) { id } }`,
      { a: appId },
      sessionToken,
    );
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused.errors?.[0].message).toMatch(/read-only/);
  });

  it('a WRITE session manages endpoints of its application', async () => {
    const { sessionToken } = (await api.ok(EXCHANGE, { t: (await link()).token }))
      .exchangePortalToken;
    const created = (
      await api.ok(
        `mutation($a: String!) { createEndpoint(input: { application: $a, url: "http://127.0.0.1:9/consumer" }) { id applicationId } }`,
        { a: 'one' },
        sessionToken,
      )
    ).createEndpoint;
    expect(created.applicationId).toBe(appId);
    const secret = await api.ok(
      `query($e: ID!) { endpointSecret(id: $e) { key } }`,
      { e: created.id },
      sessionToken,
    );
    expect(secret.endpointSecret.key).toMatch(/^whsec_/);
    expect(
      (
        await api.ok(
          `mutation($e: ID!) { deleteEndpoint(id: $e) }`,
          { e: created.id },
          sessionToken,
        )
      ).deleteEndpoint,
    ).toBe(created.id);
  });

  it('revoking ends the sessions and unused links of an application at once', async () => {
    const unused = await link();
    const { sessionToken } = (await api.ok(EXCHANGE, { t: (await link()).token }))
      .exchangePortalToken;
    const revoked = await api.ok(
      `mutation($a: ID!) { revokePortalSessions(applicationId: $a) }`,
      { a: appId },
      apiKey,
    );
    expect(revoked.revokePortalSessions).toBeGreaterThanOrEqual(1);
    const after = await api.gql(`query { portalSession { expiresAt } }`, {}, sessionToken);
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql(EXCHANGE, { t: unused.token }))).toBe('UNAUTHENTICATED');
  });
});

describe('portal branding', () => {
  const SET = `mutation($i: PortalBrandingInput!) { setPortalBranding(input: $i) { displayName logoUrl accentColor } }`;

  it('is set by the tenant and shown to the consumer', async () => {
    const branding = {
      displayName: 'Acme Webhooks',
      logoUrl: 'https://cdn.example.com/logo.png',
      accentColor: '#12ab9f',
    };
    expect((await api.ok(SET, { i: branding }, apiKey)).setPortalBranding).toEqual(branding);
    const session = (await api.ok(EXCHANGE, { t: (await link()).token })).exchangePortalToken;
    expect(session.branding).toEqual(branding);
  });

  it.each([
    ['accentColor', { accentColor: 'red' }],
    ['logoUrl', { logoUrl: 'javascript:alert(1)' }],
    ['logoUrl', { logoUrl: 'not a url' }],
    ['displayName', { displayName: 'x'.repeat(81) }],
  ])('refuses a bad %s', async (field, input) => {
    const result = await api.gql(SET, { i: input }, apiKey);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });
});
