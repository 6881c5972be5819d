import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

let api: TestApi;
let strict: TestApi;
let key: string;
let appId: string;

const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id url headers fifo rateLimitPerSecond } }`;

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: key } = await api.createTenant());
  appId = (await api.ok(`mutation { createApplication(input: { name: "A" }) { id } }`, {}, key))
    .createApplication.id;
  // Loopback is not allow-listed and plain http is refused: production defaults.
  strict = await startTestApi({ HERALD_SSRF_ALLOWLIST: '', HERALD_ALLOW_HTTP: 'false' });
});
afterAll(async () => {
  await api?.stop();
  await strict?.stop();
});

describe('endpoints', () => {
  it('creates with options and generates a whsec_ secret, encrypted at rest', async () => {
    const { createEndpoint: ep } = await api.ok(
      CREATE_ENDPOINT,
      {
        input: {
          application: appId,
          url: 'http://127.0.0.1:8080/hook',
          headers: { 'X-Team': 'core' },
          fifo: true,
          rateLimitPerSecond: 5,
        },
      },
      key,
    );
    expect(ep).toMatchObject({ headers: { 'X-Team': 'core' }, fifo: true, rateLimitPerSecond: 5 });
    const secret = (
      await api.ok(
        `query($id: ID!) { endpointSecret(id: $id) { key expiresAt } }`,
        { id: ep.id },
        key,
      )
    ).endpointSecret;
    expect(secret.key).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.key.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const rows = await api.db.withSystem((m) =>
      m.query(`SELECT ciphertext FROM endpoint_secrets WHERE endpoint_id = $1`, [ep.id]),
    );
    expect(rows).toHaveLength(1);
    expect((rows[0].ciphertext as Buffer).includes(Buffer.from(secret.key))).toBe(false);
    expect((rows[0].ciphertext as Buffer).includes(Buffer.from(secret.key.slice(6)))).toBe(false);
  });

  it('accepts a given secret and rotates with a grace period', async () => {
    const given = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const { createEndpoint: ep } = await api.ok(
      CREATE_ENDPOINT,
      { input: { application: appId, url: 'https://127.0.0.1/x', secret: given } },
      key,
    );
    expect(
      (await api.ok(`query($id: ID!) { endpointSecret(id: $id) { key } }`, { id: ep.id }, key))
        .endpointSecret.key,
    ).toBe(given);
    const rotated = (
      await api.ok(
        `mutation($id: ID!) { rotateEndpointSecret(id: $id) { key } }`,
        { id: ep.id },
        key,
      )
    ).rotateEndpointSecret;
    expect(rotated.key).not.toBe(given);
    expect(
      (await api.ok(`query($id: ID!) { endpointSecret(id: $id) { key } }`, { id: ep.id }, key))
        .endpointSecret.key,
    ).toBe(rotated.key);
    const valid = await api.db.withSystem((m) =>
      m.query(
        `SELECT expires_at FROM endpoint_secrets WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at`,
        [ep.id],
      ),
    );
    expect(valid).toHaveLength(2);
    const graceMs = new Date(valid[0].expires_at).getTime() - Date.now();
    expect(graceMs).toBeGreaterThan(23 * 3_600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3_600_000);
    const bad = await api.gql(
      `mutation($id: ID!) { rotateEndpointSecret(id: $id, key: "whsec_c2hvcnQ=") { key } }`,
      { id: ep.id },
      key,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('enables, disables, updates and deletes (cancelling pending deliveries)', async () => {
    const { createEndpoint: ep } = await api.ok(
      CREATE_ENDPOINT,
      { input: { application: appId, url: 'http://127.0.0.1:1/x' } },
      key,
    );
    const off = await api.ok(
      `mutation($id: ID!) { disableEndpoint(id: $id, reason: "maintenance") { disabled disabledReason } }`,
      { id: ep.id },
      key,
    );
    expect(off.disableEndpoint).toEqual({ disabled: true, disabledReason: 'maintenance' });
    const on = await api.ok(
      `mutation($id: ID!) { enableEndpoint(id: $id) { disabled } }`,
      { id: ep.id },
      key,
    );
    expect(on.enableEndpoint.disabled).toBe(false);
    const up = await api.ok(
      `mutation($id: ID!) { updateEndpoint(id: $id, input: { description: "d", eventTypes: ["a.b"] }) { description eventTypes } }`,
      { id: ep.id },
      key,
    );
    expect(up.updateEndpoint).toEqual({ description: 'd', eventTypes: ['a.b'] });

    await api.ok(
      `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "a.b", payload: {} }) { message { id } } }`,
      { a: appId },
      key,
    );
    await api.ok(`mutation($id: ID!) { deleteEndpoint(id: $id) }`, { id: ep.id }, key);
    expect(
      codeOf(await api.gql(`query($id: ID!) { endpoint(id: $id) { id } }`, { id: ep.id }, key)),
    ).toBe('NOT_FOUND');
    const rows = await api.db.withSystem((m) =>
      m.query(`SELECT status FROM deliveries WHERE endpoint_id = $1`, [ep.id]),
    );
    expect(rows).toEqual([{ status: 'CANCELLED' }]);
    const list = await api.ok(
      `query($a: String!) { endpoints(application: $a) { nodes { id } } }`,
      { a: appId },
      key,
    );
    expect(list.endpoints.nodes.map((n: { id: string }) => n.id)).not.toContain(ep.id);
  });

  it('refuses reserved or malformed headers, bad filters and bad rate limits', async () => {
    for (const input of [
      { headers: { Host: 'evil' } },
      { headers: { 'webhook-signature': 'x' } },
      { headers: { 'X-Ok': 'line\r\nInjected: 1' } },
      { headers: { 'bad header': 'x' } },
      { payloadFilter: { amount: { $where: '1' } } },
      { rateLimitPerSecond: 0 },
      { eventTypes: ['not valid'] },
      { secret: 'not-a-secret' },
    ]) {
      const result = await api.gql(
        CREATE_ENDPOINT,
        { input: { application: appId, url: 'http://127.0.0.1/x', ...input } },
        key,
      );
      expect(codeOf(result), JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('SSRF guard at save time (loopback not allow-listed)', () => {
  it('refuses loopback, private, link-local and metadata targets', async () => {
    const { apiKey } = await strict.createTenant();
    const app = (
      await strict.ok(`mutation { createApplication(input: { name: "S" }) { id } }`, {}, apiKey)
    ).createApplication.id;
    for (const url of [
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://localhost/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/x',
      'https://0.0.0.0/x',
      'http://example.com/plain-http',
      'ftp://example.com/x',
      'https://user:pass@example.com/x',
      'not a url',
    ]) {
      const result = await strict.gql(
        CREATE_ENDPOINT,
        { input: { application: app, url } },
        apiKey,
      );
      expect(codeOf(result), url).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.field).toBe('url');
    }
    const count = await strict.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM endpoints`),
    );
    expect(count[0].n).toBe(0);
  });
});

describe('SSRF guard at save time, allow-listed names', () => {
  // The names are allow-listed, but only 127.0.0.1 is: a name resolving to 127.0.0.2 is refused.
  const ALLOW_LIST = '127.0.0.1/32,allowed.example.test,*.wild.example.test';
  const HOSTS = ['allowed.example.test', 'x.wild.example.test'];

  async function startWith(zone: Record<string, string>) {
    const named = await startTestApi(
      { HERALD_SSRF_ALLOWLIST: ALLOW_LIST },
      {
        resolveHost: async (host) => {
          if (!zone[host]) throw new Error(`ENOTFOUND ${host}`);
          return [zone[host]];
        },
      },
    );
    const { apiKey } = await named.createTenant();
    const app = (
      await named.ok(`mutation { createApplication(input: { name: "N" }) { id } }`, {}, apiKey)
    ).createApplication.id;
    return { named, apiKey, app };
  }

  it('refuses names resolving to a non-public address outside the CIDR entries', async () => {
    const { named, apiKey, app } = await startWith(
      Object.fromEntries(HOSTS.map((host) => [host, '127.0.0.2'])),
    );
    try {
      const accepted = await named.ok(
        CREATE_ENDPOINT,
        { input: { application: app, url: 'http://127.0.0.1:9/ok' } },
        apiKey,
      );
      for (const host of HOSTS) {
        const url = `http://${host}:9/hook`;
        const created = await named.gql(
          CREATE_ENDPOINT,
          { input: { application: app, url } },
          apiKey,
        );
        expect(codeOf(created), url).toBe('BAD_USER_INPUT');
        expect(created.errors?.[0].extensions).toMatchObject({
          field: 'url',
          reason: 'ADDRESS_NOT_ALLOWED',
        });
        const updated = await named.gql(
          `mutation($id: ID!, $url: String!) { updateEndpoint(id: $id, input: { url: $url }) { url } }`,
          { id: accepted.createEndpoint.id, url },
          apiKey,
        );
        expect(updated.errors?.[0].extensions?.reason, url).toBe('ADDRESS_NOT_ALLOWED');
      }
    } finally {
      await named.stop();
    }
  });

  it('accepts them when they resolve inside a CIDR entry', async () => {
    const { named, apiKey, app } = await startWith(
      Object.fromEntries(HOSTS.map((host) => [host, '127.0.0.1'])),
    );
    try {
      for (const host of HOSTS) {
        const url = `http://${host}:9/hook`;
        const created = await named.ok(
          CREATE_ENDPOINT,
          { input: { application: app, url } },
          apiKey,
        );
        expect(created.createEndpoint.url).toBe(url);
      }
    } finally {
      await named.stop();
    }
  });
});
