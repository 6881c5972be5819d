import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

/*
 * Issue 11: API keys outlived the member who made them — a developer demoted to viewer, or
 * removed, kept writing through a key made earlier. A key now answers to its creator: it acts
 * with at most the creator's current role and dies with their membership.
 */

const SIGN_UP = `mutation($e: String!, $p: String!, $t: String!) { signUp(email: $e, password: $p, tenantName: $t) { token } }`;
const CREATE_KEY = `mutation($n: String!, $r: Role) { createApiKey(input: { name: $n, role: $r }) { key apiKey { id role creatorRole createdBy { email } } } }`;
const CREATE_APP = `mutation($n: String!) { createApplication(input: { name: $n }) { id } }`;
const READ = `query { applications { nodes { id } } }`;
const VIEWER = `query { viewer { role } }`;

let api: TestApi;
let ownerToken: string;
let devToken: string;
let devMemberId: string;

beforeAll(async () => {
  api = await startTestApi();
  ownerToken = (await api.ok(SIGN_UP, { e: 'owner@keys.test', p: 'owner password 1', t: 'Keys' }))
    .signUp.token;
  const invited = await api.ok(
    `mutation { inviteMember(email: "dev@keys.test", role: developer) { member { id } } }`,
    {},
    ownerToken,
  );
  devMemberId = invited.inviteMember.member.id;
  devToken = (
    await api.ok(
      `mutation($t: String!) { acceptInvitation(token: $t, password: "dev password 1") { token } }`,
      {
        t: await api.linkFor('dev@keys.test', 'accept-invitation'),
      },
    )
  ).acceptInvitation.token;
}, 60_000);

afterAll(() => api?.stop());

async function setDevRole(role: string): Promise<void> {
  await api.ok(
    `mutation($id: ID!, $r: Role!) { updateMemberRole(id: $id, role: $r) { role } }`,
    { id: devMemberId, r: role },
    ownerToken,
  );
}

describe('an API key answers to the person who made it', () => {
  it('records its creator and the role it was made with', async () => {
    const { createApiKey } = await api.ok(CREATE_KEY, { n: 'dev key', r: 'developer' }, devToken);
    expect(createApiKey.apiKey).toMatchObject({
      role: 'developer',
      creatorRole: 'developer',
      createdBy: { email: 'dev@keys.test' },
    });
    const listed = await api.ok(
      `query { apiKeys { nodes { id createdBy { email } creatorRole } } }`,
      {},
      ownerToken,
    );
    expect(listed.apiKeys.nodes).toContainEqual({
      id: createApiKey.apiKey.id,
      createdBy: { email: 'dev@keys.test' },
      creatorRole: 'developer',
    });
  });

  it('a key made with a key answers to the person behind the first one', async () => {
    const first = (await api.ok(CREATE_KEY, { n: 'parent', r: 'developer' }, devToken)).createApiKey
      .key;
    const child = (await api.ok(CREATE_KEY, { n: 'child', r: 'viewer' }, first)).createApiKey
      .apiKey;
    expect(child).toMatchObject({
      creatorRole: 'developer',
      createdBy: { email: 'dev@keys.test' },
    });
  });

  it('demoting the creator demotes the key at once; promoting them back restores it', async () => {
    const key = (await api.ok(CREATE_KEY, { n: 'writer', r: 'developer' }, devToken)).createApiKey
      .key;
    await api.ok(CREATE_APP, { n: 'before' }, key);

    await setDevRole('viewer');
    try {
      // Before the fix the key kept its developer role and this created an application.
      expect((await api.ok(VIEWER, {}, key)).viewer.role).toBe('viewer');
      expect(codeOf(await api.gql(CREATE_APP, { n: 'after demotion' }, key))).toBe('FORBIDDEN');
      expect((await api.gql(READ, {}, key)).errors).toBeUndefined();
    } finally {
      await setDevRole('developer');
    }
    expect((await api.ok(VIEWER, {}, key)).viewer.role).toBe('developer');
    await api.ok(CREATE_APP, { n: 'after promotion' }, key);
  });

  it('a key made with a higher role than its creator now holds acts with the lower one', async () => {
    await setDevRole('admin');
    const key = (await api.ok(CREATE_KEY, { n: 'admin key', r: 'admin' }, devToken)).createApiKey
      .key;
    await setDevRole('developer');
    expect((await api.ok(VIEWER, {}, key)).viewer.role).toBe('developer');
    expect(
      codeOf(
        await api.gql(
          `mutation { inviteMember(email: "x@keys.test", role: viewer) { invitationSentTo } }`,
          {},
          key,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('removing the member revokes their keys, and no other key', async () => {
    const ownerKey = (await api.ok(CREATE_KEY, { n: 'owner key', r: 'admin' }, ownerToken))
      .createApiKey.key;
    const devKey = (await api.ok(CREATE_KEY, { n: 'leaving', r: 'developer' }, devToken))
      .createApiKey;
    await api.ok(`mutation($id: ID!) { removeMember(id: $id) }`, { id: devMemberId }, ownerToken);

    // Before the fix the key went on writing for the tenant.
    expect(codeOf(await api.gql(CREATE_APP, { n: 'after removal' }, devKey.key))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(await api.gql(VIEWER, {}, devToken))).toBe('UNAUTHENTICATED');
    const revoked = await api.ok(
      `query { apiKeys(includeRevoked: true) { nodes { id revokedAt createdBy { email } } } }`,
      {},
      ownerToken,
    );
    const mine = revoked.apiKeys.nodes.filter((k: { id: string }) => k.id === devKey.apiKey.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].revokedAt).not.toBeNull();
    // The owner's key is untouched.
    await api.ok(CREATE_APP, { n: 'owner still writes' }, ownerKey);
  });

  it('a key whose creator left is refused even where the removal did not revoke it', async () => {
    const b = (await api.ok(SIGN_UP, { e: 'owner@keys-b.test', p: 'owner password 1', t: 'B' }))
      .signUp.token;
    await api.ok(
      `mutation { inviteMember(email: "temp@keys-b.test", role: developer) { member { id } } }`,
      {},
      b,
    );
    const temp = (
      await api.ok(
        `mutation($t: String!) { acceptInvitation(token: $t, password: "temp password 1") { token } }`,
        {
          t: await api.linkFor('temp@keys-b.test', 'accept-invitation'),
        },
      )
    ).acceptInvitation.token;
    const key = (await api.ok(CREATE_KEY, { n: 'orphan', r: 'developer' }, temp)).createApiKey.key;
    await api.ok(CREATE_APP, { n: 'ok' }, key);
    // As if the membership went away some other way (an older version's removal, a manual fix).
    await api.db.withSystem((m) =>
      m.query(
        `DELETE FROM members WHERE user_id = (SELECT id FROM users WHERE email = 'temp@keys-b.test')`,
      ),
    );
    // The key cache holds for up to 5 s; a revocation signal clears it at once.
    api.server.services.credentials.revoked();
    expect(codeOf(await api.gql(CREATE_APP, { n: 'orphaned' }, key))).toBe('UNAUTHENTICATED');
  });
});
