import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type GqlResult, type TestApi } from './harness';
import { openSocket, waitFor } from './socket-client';

/*
 * One request pipeline: HTTP and graphql-ws meet the same authentication, validation rules and
 * limits, and a credential revoked is revoked on open sockets too. Every case runs over both
 * transports and expects the same answer.
 */

let api: TestApi;
/** Small limits: depth 4, complexity 100, 300 tokens, 5 aliases, 5 directives, 5 spreads, burst 3. */
let limited: TestApi;
/** Introspection configured off. */
let closed: TestApi;
let limitedKey: string;

const CREATE_APP = `mutation($n: String!) { createApplication(input: { name: $n }) { id } }`;
const VIEWER = `{ viewer { kind role tenant { id } } }`;

type Transport = 'http' | 'ws';
const TRANSPORTS: Transport[] = ['http', 'ws'];

/** Runs `query` over `transport` as `token`, on a socket of its own for ws. */
async function run(
  target: TestApi,
  transport: Transport,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult> {
  if (transport === 'http') return target.gql(query, variables, token);
  const socket = await openSocket(target.url, token);
  try {
    return await socket.request(query, variables);
  } finally {
    socket.close();
  }
}

async function applicationCount(target: TestApi, tenantId: string): Promise<number> {
  const [row] = await target.db.withSystem((m) =>
    m.query(`SELECT count(*)::int AS n FROM applications WHERE tenant_id = $1`, [tenantId]),
  );
  return row.n;
}

/** 2^n expansions in a few hundred bytes: F0 spreads F1 twice, F1 spreads F2 twice, … */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1
      ? `fragment F${i} on Query { viewer { kind } }`
      : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
  );
  return `query { ...F0 } ${fragments.join(' ')}`;
}

beforeAll(async () => {
  [api, limited, closed] = await Promise.all([
    startTestApi({ HERALD_SOCKET_RECHECK_MS: '200' }),
    startTestApi({
      HERALD_MAX_QUERY_DEPTH: '4',
      HERALD_MAX_QUERY_COMPLEXITY: '100',
      HERALD_MAX_QUERY_TOKENS: '300',
      HERALD_MAX_QUERY_ALIASES: '5',
      HERALD_MAX_QUERY_DIRECTIVES: '5',
      HERALD_MAX_QUERY_FRAGMENT_SPREADS: '5',
      HERALD_RATE_LIMIT_PER_SECOND: '1',
      HERALD_RATE_LIMIT_BURST: '3',
    }),
    startTestApi({ HERALD_GRAPHQL_INTROSPECTION: 'false' }),
  ]);
  limitedKey = (await limited.createTenant('Limited')).apiKey;
});

afterAll(async () => {
  await Promise.all([api?.stop(), limited?.stop(), closed?.stop()]);
});

describe('the same limits over HTTP and WebSocket', () => {
  // prettier-ignore
  const OVER_LIMIT: [label: string, query: string, variables: Record<string, unknown> | undefined, code: string][] = [
    ['five levels of nesting', `{ messages(application: "x") { edges { node { deliveries { id } } } } }`, undefined, 'BAD_USER_INPUT'],
    ['five levels through fragments', `{ ...Q } fragment Q on Query { messages(application: "x") { ...C } } fragment C on MessageConnection { edges { node { deliveries { id } } } }`, undefined, 'BAD_USER_INPUT'],
    ['a page over the complexity limit', `{ applications(first: 200) { nodes { id name } } }`, undefined, 'BAD_USER_INPUT'],
    ['a page over the complexity limit given by a variable', `query($n: Int) { applications(first: $n) { nodes { id name } } }`, { n: 200 }, 'BAD_USER_INPUT'],
    ['six aliases', `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`, undefined, 'BAD_USER_INPUT'],
    ['six directives', `{ viewer { ${Array.from({ length: 6 }, () => 'kind @include(if: true)').join(' ')} } }`, undefined, 'BAD_USER_INPUT'],
    ['six fragment spreads', `{ viewer { ${Array.from({ length: 6 }, () => '...V').join(' ')} } } fragment V on Viewer { kind }`, undefined, 'BAD_USER_INPUT'],
    ['more than 300 tokens', `{ viewer { ${'kind '.repeat(400)} } }`, undefined, 'GRAPHQL_PARSE_FAILED'],
    ['a fragment bomb (2^24 expansions)', fragmentBomb(24), undefined, 'BAD_USER_INPUT'],
  ];

  it.each(TRANSPORTS.flatMap((t) => OVER_LIMIT.map((c) => [t, ...c] as const)))(
    '%s: %s answers %s',
    async (transport, _label, query, variables, code) => {
      const result = await run(limited, transport, limitedKey, query, variables);
      expect(codeOf(result), JSON.stringify(result.errors)).toBe(code);
      expect(result.data).toBeNull();
    },
  );

  it.each(TRANSPORTS)('%s: a query within every limit runs', async (transport) => {
    const result = await run(limited, transport, limitedKey, VIEWER);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer.kind).toBe('apiKey');
  });

  it.each(TRANSPORTS)(
    '%s: an unauthenticated fragment bomb is refused in linear time and /healthz keeps answering',
    async (transport) => {
      // Before: 21 levels froze the API for seconds and every added level doubled it.
      const started = performance.now();
      const [result, health] = await Promise.all([
        run(api, transport, null, fragmentBomb(60)),
        fetch(`${api.url}/healthz`).then((r) => r.status),
      ]);
      const elapsed = performance.now() - started;
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions).toMatchObject({ limit: 'complexity' });
      expect(health).toBe(200);
      expect(elapsed).toBeLessThan(2_000);
    },
  );

  it.each(TRANSPORTS)('%s: introspection follows configuration', async (transport) => {
    const query = `{ __schema { queryType { name } } }`;
    const open = await run(api, transport, null, query);
    expect(open.data?.__schema.queryType.name).toBe('Query');
    const refused = await run(closed, transport, null, query);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].message).toMatch(/introspection/i);
  });
});

describe('the mutation rate limit counts mutation fields (burst 3)', () => {
  it.each(TRANSPORTS)(
    '%s: five aliased createApplication in one request are refused whole',
    async (transport) => {
      const { apiKey, tenantId } = await limited.createTenant(`Aliases ${transport}`);
      const five = `mutation { ${Array.from({ length: 5 }, (_, i) => `a${i}: createApplication(input: { name: "n${i}" }) { id }`).join(' ')} }`;
      const result = await run(limited, transport, apiKey, five);
      expect(codeOf(result)).toBe('RATE_LIMITED');
      expect(await applicationCount(limited, tenantId)).toBe(0);
      // Three fit the burst.
      const three = `mutation { ${Array.from({ length: 3 }, (_, i) => `a${i}: createApplication(input: { name: "m${i}" }) { id }`).join(' ')} }`;
      expect((await run(limited, transport, apiKey, three)).errors).toBeUndefined();
      expect(await applicationCount(limited, tenantId)).toBe(3);
    },
  );

  it.each(TRANSPORTS)(
    '%s: mutations hidden in a fragment on Mutation are counted too',
    async (transport) => {
      const { apiKey, tenantId } = await limited.createTenant(`Fragments ${transport}`);
      const doc = `mutation { ...M } fragment M on Mutation { a: createApplication(input: { name: "a" }) { id } b: createApplication(input: { name: "b" }) { id } c: createApplication(input: { name: "c" }) { id } d: createApplication(input: { name: "d" }) { id } }`;
      const result = await run(limited, transport, apiKey, doc);
      expect(codeOf(result), JSON.stringify(result.errors)).toBe('RATE_LIMITED');
      expect(await applicationCount(limited, tenantId)).toBe(0);
    },
  );

  it('the fourth mutation on one open socket is limited, as over HTTP', async () => {
    const { apiKey, tenantId } = await limited.createTenant('Socket burst');
    const socket = await openSocket(limited.url, apiKey);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(codeOf(await socket.request(CREATE_APP, { n: `s${i}` })));
    socket.close();
    expect(codes).toEqual([undefined, undefined, undefined, 'RATE_LIMITED']);
    expect(await applicationCount(limited, tenantId)).toBe(3);
  });
});

describe('a revoked credential loses its open sockets', () => {
  it('an API key revoked after connecting can no longer run anything on its socket, which closes', async () => {
    const { apiKey: admin } = await api.createTenant('Revoke key');
    const created = await api.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { name: "ws", role: admin }) { key apiKey { id } } }`,
      {},
      admin,
    );
    const socket = await openSocket(api.url, created.createApiKey.key);
    expect((await socket.request(VIEWER)).data?.viewer.role).toBe('admin');

    await api.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      {
        id: created.createApiKey.apiKey.id,
      },
      admin,
    );

    const after = await socket.request(CREATE_APP, { n: 'after revoke' });
    expect(after.data).toBeNull();
    expect(['UNAUTHENTICATED', 'CLOSED']).toContain(codeOf(after));
    expect(
      await Promise.race([socket.closed, new Promise((r) => setTimeout(() => r(0), 3000))]),
    ).toBe(4403);
  });

  it('an open subscription ends when its key is revoked on another replica (periodic re-check)', async () => {
    const { apiKey } = await api.createTenant('Replica revoke');
    await api.ok(
      `mutation { createApplication(input: { name: "App", uid: "app" }) { id } }`,
      {},
      apiKey,
    );
    const socket = await openSocket(api.url, apiKey);
    const live = socket.subscribe(`subscription { deliveryEvents(application: "app") { status } }`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.ended(), JSON.stringify(live.results)).toBe(false);
    // Another replica revokes: this process hears nothing, only its re-check can notice.
    await api.db.withSystem((m) =>
      m.query(`UPDATE api_keys SET revoked_at = now() WHERE revoked_at IS NULL`),
    );
    // The key cache (5 s) bounds how long the key lives on; the re-check runs every 200 ms.
    expect(await waitFor(() => socket.closeCode() === 4403, 8_000)).toBe(true);
    expect(live.ended()).toBe(true);
  });

  it('a logged-out session loses its socket', async () => {
    const signUp = await api.ok<{ signUp: { token: string } }>(
      `mutation { signUp(email: "ws-session@example.test", password: "correct horse battery", tenantName: "Sessions") { token } }`,
    );
    const token = signUp.signUp.token;
    const socket = await openSocket(api.url, token);
    expect((await socket.request(VIEWER)).data?.viewer.kind).toBe('session');
    await api.ok(`mutation { logOut }`, {}, token);
    expect(await waitFor(() => socket.closeCode() === 4403, 3_000)).toBe(true);
    // And a new socket with that token is refused at connection.
    await expect(openSocket(api.url, token)).rejects.toThrow(/4403/);
  });

  it('revokePortalSessions closes the consumer portal sockets at once', async () => {
    const { apiKey } = await api.createTenant('Portal revoke');
    const app = await api.ok<{ createApplication: { id: string } }>(
      `mutation { createApplication(input: { name: "Customer" }) { id } }`,
      {},
      apiKey,
    );
    const link = await api.ok<{ createPortalSession: { token: string } }>(
      `mutation($a: ID!) { createPortalSession(applicationId: $a) { token } }`,
      { a: app.createApplication.id },
      apiKey,
    );
    const exchanged = await api.ok<{ exchangePortalToken: { sessionToken: string } }>(
      `mutation($t: String!) { exchangePortalToken(token: $t) { sessionToken } }`,
      { t: link.createPortalSession.token },
    );
    const socket = await openSocket(api.url, exchanged.exchangePortalToken.sessionToken);
    expect((await socket.request(`{ portalSession { capabilities } }`)).errors).toBeUndefined();
    await api.ok(
      `mutation($a: ID!) { revokePortalSessions(applicationId: $a) }`,
      {
        a: app.createApplication.id,
      },
      apiKey,
    );
    expect(await waitFor(() => socket.closeCode() === 4403, 1_000)).toBe(true);
  });

  it('a member demoted to viewer can no longer write on a socket opened as admin', async () => {
    const { apiKey: owner } = await api.createTenant('Demote');
    const created = await api.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { name: "dev", role: developer }) { key apiKey { id } } }`,
      {},
      owner,
    );
    const socket = await openSocket(api.url, created.createApiKey.key);
    expect((await socket.request(CREATE_APP, { n: 'before' })).errors).toBeUndefined();
    // The key's role is read again for every operation (within the key cache's few seconds).
    await api.db.withSystem((m) =>
      m.query(`UPDATE api_keys SET role = 'viewer' WHERE id = $1`, [
        created.createApiKey.apiKey.id,
      ]),
    );
    api.server.services.credentials.revoked();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const denied = await socket.request(CREATE_APP, { n: 'after' });
    socket.close();
    expect(['FORBIDDEN', 'CLOSED']).toContain(codeOf(denied));
  });
});
