import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, OPERATOR_TOKEN, startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const SIGN_UP = `mutation($e: String!, $p: String!, $t: String!) { signUp(email: $e, password: $p, tenantName: $t) { token role tenant { id name } user { email } } }`;
const LOG_IN = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token role tenant { id } } }`;

describe('sign-up, log-in and sessions', () => {
  it('signs up an owner, logs in, and logs out', async () => {
    const { signUp } = await api.ok(SIGN_UP, {
      e: 'Owner@Example.com',
      p: 'correct horse battery',
      t: 'Acme',
    });
    expect(signUp).toMatchObject({
      role: 'owner',
      tenant: { name: 'Acme' },
      user: { email: 'Owner@Example.com' },
    });
    expect(signUp.token).toMatch(/^hs_/);
    const viewer = await api.ok(
      `query { viewer { kind role tenant { id } user { email } } }`,
      {},
      signUp.token,
    );
    expect(viewer.viewer).toMatchObject({
      kind: 'session',
      role: 'owner',
      tenant: { id: signUp.tenant.id },
    });

    const again = await api.gql(SIGN_UP, {
      e: 'owner@example.com',
      p: 'another password!',
      t: 'Other',
    });
    expect(codeOf(again)).toBe('CONFLICT');

    const { logIn } = await api.ok(LOG_IN, { e: 'owner@example.com', p: 'correct horse battery' });
    expect(logIn.tenant.id).toBe(signUp.tenant.id);
    expect(codeOf(await api.gql(LOG_IN, { e: 'owner@example.com', p: 'wrong password!!' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(await api.gql(LOG_IN, { e: 'nobody@example.com', p: 'whatever12345' }))).toBe(
      'UNAUTHENTICATED',
    );

    expect((await api.ok(`mutation { logOut }`, {}, logIn.token)).logOut).toBe(true);
    const after = await api.gql(`query { viewer { role } }`, {}, logIn.token);
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    // The other session is untouched.
    expect((await api.ok(`query { viewer { role } }`, {}, signUp.token)).viewer.role).toBe('owner');
  });

  it('stores passwords with scrypt, never in clear', async () => {
    await api.ok(SIGN_UP, { e: 'hash@example.com', p: 'a very secret pw', t: 'H' });
    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT password_hash FROM users WHERE email = 'hash@example.com'`),
    );
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('a very secret pw');
  });

  it('rejects weak passwords and bad emails', async () => {
    expect(codeOf(await api.gql(SIGN_UP, { e: 'x@example.com', p: 'short', t: 'T' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await api.gql(SIGN_UP, { e: 'not-an-email', p: 'long enough pw', t: 'T' }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('slows down password guessing', async () => {
    await api.ok(SIGN_UP, { e: 'guess@example.com', p: 'the real password', t: 'G' });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(codeOf(await api.gql(LOG_IN, { e: 'guess@example.com', p: `wrong-${i}-xxxxx` })));
    expect(codes.slice(0, 10).every((c) => c === 'UNAUTHENTICATED')).toBe(true);
    expect(codes.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('operator', () => {
  it('creates and lists tenants; nobody else can', async () => {
    const created = await api.ok(
      `mutation { createTenant(input: { name: "Provisioned", ownerEmail: "prov@example.com", ownerPassword: "provisioned pw" }) { tenant { id } apiKey owner { email } } }`,
      {},
      OPERATOR_TOKEN,
    );
    expect(created.createTenant.apiKey).toMatch(/^hk_/);
    const list = await api.ok(`query { tenants(first: 100) { nodes { id } } }`, {}, OPERATOR_TOKEN);
    expect(list.tenants.nodes.map((t: { id: string }) => t.id)).toContain(
      created.createTenant.tenant.id,
    );
    expect(
      codeOf(await api.gql(`query { tenants { nodes { id } } }`, {}, created.createTenant.apiKey)),
    ).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(`query { tenants { nodes { id } } }`))).toBe('UNAUTHENTICATED');
    expect(
      (await api.gql(`query { tenants { nodes { id } } }`, {}, 'wrong-operator-token')).status,
    ).toBe(401);
    // The operator token cannot reach into tenant data.
    expect(
      codeOf(await api.gql(`query { applications { nodes { id } } }`, {}, OPERATOR_TOKEN)),
    ).toBe('FORBIDDEN');
  });
});

describe('members and roles', () => {
  it('invites, accepts, changes roles, enforces them, and keeps an owner', async () => {
    const { signUp: owner } = await api.ok(SIGN_UP, {
      e: 'boss@example.com',
      p: 'boss password 1',
      t: 'Team',
    });
    const invite = await api.ok(
      `mutation { inviteMember(email: "dev@example.com", role: viewer) { invitationSentTo member { id role pending user { email } } } }`,
      {},
      owner.token,
    );
    expect(invite.inviteMember.member).toMatchObject({ role: 'viewer', pending: true });
    expect(invite.inviteMember.invitationSentTo).toBe('dev@example.com');
    const invitationToken = await api.linkFor('dev@example.com', 'accept-invitation');
    const accepted = await api.ok(
      `mutation($t: String!) { acceptInvitation(token: $t, password: "dev password 1") { token role tenant { id } } }`,
      { t: invitationToken },
      null,
    );
    expect(accepted.acceptInvitation).toMatchObject({
      role: 'viewer',
      tenant: { id: owner.tenant.id },
    });
    expect(
      codeOf(
        await api.gql(
          `mutation($t: String!) { acceptInvitation(token: $t, password: "x long pass") { token } }`,
          { t: invitationToken },
        ),
      ),
    ).toBe('UNAUTHENTICATED');

    const viewerToken = accepted.acceptInvitation.token;
    // A viewer reads but cannot write.
    expect(
      (await api.ok(`query { applications { nodes { id } } }`, {}, viewerToken)).applications.nodes,
    ).toEqual([]);
    expect(
      codeOf(
        await api.gql(
          `mutation { createApplication(input: { name: "no" }) { id } }`,
          {},
          viewerToken,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await api.gql(`mutation { createApiKey(input: { name: "k" }) { key } }`, {}, viewerToken),
      ),
    ).toBe('FORBIDDEN');

    const memberId = invite.inviteMember.member.id;
    await api.ok(
      `mutation($id: ID!) { updateMemberRole(id: $id, role: admin) { role } }`,
      { id: memberId },
      owner.token,
    );
    const adminToken = (await api.ok(LOG_IN, { e: 'dev@example.com', p: 'dev password 1' })).logIn
      .token;
    // An admin cannot make owners, nor demote the owner.
    expect(
      codeOf(
        await api.gql(
          `mutation($id: ID!) { updateMemberRole(id: $id, role: owner) { role } }`,
          { id: memberId },
          adminToken,
        ),
      ),
    ).toBe('FORBIDDEN');
    const members = await api.ok(
      `query { members { nodes { id role user { email } } } }`,
      {},
      owner.token,
    );
    const ownerMember = members.members.nodes.find((m: { role: string }) => m.role === 'owner');
    expect(
      codeOf(
        await api.gql(
          `mutation($id: ID!) { removeMember(id: $id) }`,
          { id: ownerMember.id },
          adminToken,
        ),
      ),
    ).toBe('FORBIDDEN');
    // The last owner cannot step down.
    expect(
      codeOf(
        await api.gql(
          `mutation($id: ID!) { updateMemberRole(id: $id, role: admin) { role } }`,
          { id: ownerMember.id },
          owner.token,
        ),
      ),
    ).toBe('CONFLICT');

    await api.ok(`mutation($id: ID!) { removeMember(id: $id) }`, { id: memberId }, owner.token);
    expect((await api.gql(`query { viewer { role } }`, {}, adminToken)).status).toBe(401);
  });
});

describe('API keys', () => {
  it('shows a key once, stores it hashed, and revocation takes effect at once', async () => {
    const { signUp: owner } = await api.ok(SIGN_UP, {
      e: 'keys@example.com',
      p: 'keys password',
      t: 'Keys',
    });
    const created = await api.ok(
      `mutation { createApiKey(input: { name: "ci", role: developer }) { key apiKey { id prefix role } } }`,
      {},
      owner.token,
    );
    const { key, apiKey } = created.createApiKey;
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const rows = await api.db.withSystem((m) =>
      m.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [apiKey.id]),
    );
    expect(rows[0].key_hash).not.toContain(key);
    expect(
      JSON.stringify(await api.ok(`query { apiKeys { nodes { id prefix } } }`, {}, owner.token)),
    ).not.toContain(key);

    expect((await api.ok(`query { viewer { kind role } }`, {}, key)).viewer).toEqual({
      kind: 'apiKey',
      role: 'developer',
    });
    // A developer key cannot mint an admin key.
    expect(
      codeOf(
        await api.gql(
          `mutation { createApiKey(input: { name: "up", role: admin }) { key } }`,
          {},
          key,
        ),
      ),
    ).toBe('FORBIDDEN');
    await api.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`,
      { id: apiKey.id },
      owner.token,
    );
    const after = await api.gql(`query { viewer { role } }`, {}, key);
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  });
});
