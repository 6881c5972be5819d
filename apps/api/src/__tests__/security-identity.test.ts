import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';
import { openSocket, waitFor } from './socket-client';

/*
 * Issue 11, findings 7, 9 and 10: who owns an e-mail address, and how many tries an attacker
 * gets. Mail goes to a real SMTP sink (infra/dev/mail-sink.mjs); links are read from it, as the
 * person at that address would.
 */

const SIGN_UP = `mutation($e: String!, $p: String!, $t: String!) { signUp(email: $e, password: $p, tenantName: $t) { token tenant { id } user { emailVerified } } }`;
const LOG_IN = `mutation($e: String!, $p: String!, $tid: ID) { logIn(email: $e, password: $p, tenantId: $tid) { token role tenant { id } } }`;
const INVITE = `mutation($e: String!, $r: Role!) { inviteMember(email: $e, role: $r) { invitationSentTo member { id pending } } }`;
const ACCEPT = `mutation($t: String!, $p: String) { acceptInvitation(token: $t, password: $p) { token role tenant { id } user { emailVerified } } }`;
const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { email emailVerified } }`;
const VIEWER = `query { viewer { role tenant { id } user { email emailVerified } } }`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ HERALD_SOCKET_RECHECK_MS: '60000' });
}, 60_000);

afterAll(() => api?.stop());

/** A tenant B with an owner session, to invite from. */
async function tenantB(label: string): Promise<{ ownerToken: string; tenantId: string }> {
  const { signUp } = await api.ok(SIGN_UP, {
    e: `owner-${label}@b.test`,
    p: 'owner password 1',
    t: `B ${label}`,
  });
  return { ownerToken: signUp.token, tenantId: signUp.tenant.id };
}

describe('e-mail ownership is proven', () => {
  it('sign-up mails a verification link; opening it verifies the address, once', async () => {
    const since = new Date();
    const { signUp } = await api.ok(SIGN_UP, {
      e: 'Verify.Me@example.test',
      p: 'verify password 1',
      t: 'V',
    });
    expect(signUp.user.emailVerified).toBe(false);
    const token = await api.linkFor('verify.me@example.test', 'verify-email', since);
    expect(token).toMatch(/^hv_/);
    expect((await api.ok(VERIFY, { t: token })).verifyEmail).toEqual({
      email: 'Verify.Me@example.test',
      emailVerified: true,
    });
    expect((await api.ok(VIEWER, {}, signUp.token)).viewer.user.emailVerified).toBe(true);
    // A link works once.
    expect(codeOf(await api.gql(VERIFY, { t: token }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql(VERIFY, { t: 'hv_forged' }))).toBe('UNAUTHENTICATED');
  });

  it('requestEmailVerification mails a new link that replaces the old one', async () => {
    const { signUp } = await api.ok(SIGN_UP, {
      e: 'again@example.test',
      p: 'again password 1',
      t: 'A',
    });
    const first = await api.linkFor('again@example.test', 'verify-email');
    const since = new Date();
    expect(
      (await api.ok(`mutation { requestEmailVerification }`, {}, signUp.token))
        .requestEmailVerification,
    ).toBe(true);
    const second = await api.linkFor('again@example.test', 'verify-email', since);
    expect(second).not.toBe(first);
    expect(codeOf(await api.gql(VERIFY, { t: first }))).toBe('UNAUTHENTICATED');
    await api.ok(VERIFY, { t: second });
    expect(
      (await api.ok(`mutation { requestEmailVerification }`, {}, signUp.token))
        .requestEmailVerification,
    ).toBe(false);
  });

  it('the inviter never sees the invitation link: it is mailed to the address', async () => {
    const b = await tenantB('no-token');
    const invite = await api.ok(INVITE, { e: 'invitee@example.test', r: 'viewer' }, b.ownerToken);
    expect(invite.inviteMember).toMatchObject({
      invitationSentTo: 'invitee@example.test',
      member: { pending: true },
    });
    // The field that handed the token to the inviter is gone from the schema.
    expect(
      codeOf(
        await api.gql(
          `mutation { inviteMember(email: "x@example.test", role: viewer) { invitationToken } }`,
          {},
          b.ownerToken,
        ),
      ),
    ).toBe('GRAPHQL_VALIDATION_FAILED');
    const token = await api.linkFor('invitee@example.test', 'accept-invitation');
    const accepted = await api.ok(ACCEPT, { t: token, p: 'invitee password 1' });
    // The link proved the address.
    expect(accepted.acceptInvitation).toMatchObject({
      role: 'viewer',
      tenant: { id: b.tenantId },
      user: { emailVerified: true },
    });
  });

  it('finding 7: a pre-hijacked account is taken back by the invited victim', async () => {
    // The attacker signs up first with the victim's address and keeps a session and a socket.
    const attacker = (
      await api.ok(SIGN_UP, { e: 'victim@corp.test', p: 'attacker password', t: 'Bait' })
    ).signUp;
    const socket = await openSocket(api.url, attacker.token);
    expect((await socket.request(VIEWER)).data?.viewer.role).toBe('owner');

    // Tenant B invites the victim as admin; existing does not make the account a member.
    const b = await tenantB('hijack');
    await api.ok(INVITE, { e: 'victim@corp.test', r: 'admin' }, b.ownerToken);
    expect(
      codeOf(
        await api.gql(LOG_IN, { e: 'victim@corp.test', p: 'attacker password', tid: b.tenantId }),
      ),
    ).toBe('UNAUTHENTICATED');

    // The victim opens the mailed link and chooses a password.
    const token = await api.linkFor('victim@corp.test', 'accept-invitation');
    const victim = (await api.ok(ACCEPT, { t: token, p: 'victim password 1' })).acceptInvitation;
    expect(victim).toMatchObject({ role: 'admin', tenant: { id: b.tenantId } });

    // The victim's password is the account's now; the attacker's is not, anywhere.
    expect(
      (await api.ok(LOG_IN, { e: 'victim@corp.test', p: 'victim password 1', tid: b.tenantId }))
        .logIn.role,
    ).toBe('admin');
    for (const tid of [b.tenantId, attacker.tenant.id]) {
      expect(
        codeOf(await api.gql(LOG_IN, { e: 'victim@corp.test', p: 'attacker password', tid })),
      ).toBe('UNAUTHENTICATED');
    }
    // The attacker's session ended, and its open socket with it.
    expect(codeOf(await api.gql(VIEWER, {}, attacker.token))).toBe('UNAUTHENTICATED');
    expect(await waitFor(() => socket.closeCode() === 4403, 3_000)).toBe(true);
  });

  it('a verified account must prove it is itself: its password or its session', async () => {
    const { signUp: own } = await api.ok(SIGN_UP, {
      e: 'verified@example.test',
      p: 'verified password 1',
      t: 'Own',
    });
    await api.ok(VERIFY, { t: await api.linkFor('verified@example.test', 'verify-email') });

    const b = await tenantB('verified');
    await api.ok(INVITE, { e: 'verified@example.test', r: 'developer' }, b.ownerToken);
    const token = await api.linkFor('verified@example.test', 'accept-invitation');
    // The link alone, or the link with another password, does not open a verified account.
    expect(codeOf(await api.gql(ACCEPT, { t: token, p: null }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql(ACCEPT, { t: token, p: 'chosen by whoever' }))).toBe(
      'UNAUTHENTICATED',
    );
    // Its password did not change, and the invitation is still usable by its owner.
    await api.ok(LOG_IN, { e: 'verified@example.test', p: 'verified password 1' });
    const accepted = (await api.ok(ACCEPT, { t: token, p: 'verified password 1' }))
      .acceptInvitation;
    expect(accepted).toMatchObject({ role: 'developer', tenant: { id: b.tenantId } });

    // Signed in as the account, no password is needed.
    const c = await tenantB('verified-session');
    await api.ok(INVITE, { e: 'verified@example.test', r: 'viewer' }, c.ownerToken);
    const second = await api.linkFor('verified@example.test', 'accept-invitation');
    const bySession = await api.gql(ACCEPT, { t: second, p: null }, own.token);
    expect(bySession.errors).toBeUndefined();
    expect(bySession.data?.acceptInvitation.tenant.id).toBe(c.tenantId);
  });

  it('inviting a pending member again mails a new link and retires the old one', async () => {
    const b = await tenantB('reinvite');
    await api.ok(INVITE, { e: 'twice@example.test', r: 'viewer' }, b.ownerToken);
    const first = await api.linkFor('twice@example.test', 'accept-invitation');
    const since = new Date();
    await api.ok(INVITE, { e: 'twice@example.test', r: 'viewer' }, b.ownerToken);
    const second = await api.linkFor('twice@example.test', 'accept-invitation', since);
    expect(second).not.toBe(first);
    expect(codeOf(await api.gql(ACCEPT, { t: first, p: 'twice password 1' }))).toBe(
      'UNAUTHENTICATED',
    );
    await api.ok(ACCEPT, { t: second, p: 'twice password 1' });
    expect(
      codeOf(await api.gql(INVITE, { e: 'twice@example.test', r: 'viewer' }, b.ownerToken)),
    ).toBe('CONFLICT');
  });
});

describe('throttles are shared by every API process (PostgreSQL)', () => {
  let limited: TestApi;

  beforeAll(async () => {
    limited = await startTestApi({
      HERALD_LOGIN_PER_EMAIL_PER_MINUTE: '3',
      HERALD_LOGIN_PER_ADDRESS_PER_MINUTE: '8',
      HERALD_SIGNUP_PER_ADDRESS_PER_HOUR: '6',
      HERALD_SIGNUP_PER_EMAIL_PER_HOUR: '2',
      HERALD_ACCEPT_PER_ADDRESS_PER_MINUTE: '4',
    });
  }, 60_000);

  afterAll(() => limited?.stop());

  it('finding 9: a second process refuses the log-in the first one throttled', async () => {
    await limited.ok(SIGN_UP, { e: 'guessed@example.test', p: 'real password 1', t: 'G' });
    const peer = await limited.startPeer();
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          codeOf(await limited.gql(LOG_IN, { e: 'guessed@example.test', p: `guess ${i}` })),
        );
      expect(codes).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'RATE_LIMITED',
      ]);
      // Before the fix the peer had a fresh in-memory budget and checked the (right) password.
      const onPeer = await peer.gql(LOG_IN, { e: 'GUESSED@example.test', p: 'real password 1' });
      expect(codeOf(onPeer)).toBe('RATE_LIMITED');
      expect(onPeer.errors?.[0].extensions?.retryAfterMs).toBeGreaterThan(0);
      // And over the peer's WebSocket, unauthenticated: the same resolver, the same budget.
      const socket = await openSocket(peer.url, null);
      try {
        const overSocket = await socket.request(LOG_IN, {
          e: 'guessed@example.test',
          p: 'real password 1',
        });
        expect(codeOf(overSocket)).toBe('RATE_LIMITED');
      } finally {
        socket.close();
      }
    } finally {
      await peer.stop();
    }
  });

  it('finding 10: one request of 20 aliased signUps creates at most the per-address budget', async () => {
    const fields = Array.from(
      { length: 20 },
      (_, i) =>
        `s${i}: signUp(email: "flood${i}@example.test", password: "flood password", tenantName: "F${i}") { token }`,
    ).join(' ');
    const result = await limited.gql(`mutation { ${fields} }`);
    // Mutations run in order and signUp is non-null, so the first refusal ends the request.
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    // The earlier test used 1 of the 6 sign-ups this address may make per hour.
    const users = await limited.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'flood%'`),
    );
    expect(users[0].n).toBe(5);
  });

  it('aliases of one mailbox share its sign-up budget', async () => {
    const peer = await startTestApi({ HERALD_SIGNUP_PER_EMAIL_PER_HOUR: '2' });
    try {
      const codes: (string | undefined)[] = [];
      for (const e of [
        'mailbox@example.test',
        'Mailbox+1@example.test',
        'MAILBOX+two@Example.test',
      ])
        codes.push(codeOf(await peer.gql(SIGN_UP, { e, p: 'mailbox password', t: 'M' })));
      expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED']);
    } finally {
      await peer.stop();
    }
  });

  it('invitation acceptance is throttled per address', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(codeOf(await limited.gql(ACCEPT, { t: `hi_guess${i}`, p: 'some password 1' })));
    expect(codes).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RATE_LIMITED',
    ]);
  });

  it('the throttle table holds digests, not addresses', async () => {
    const rows = await limited.db.withSystem((m) =>
      m.query<{ key: string }[]>(`SELECT key FROM identity_throttles`),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) {
      expect(key).not.toMatch(/@|127\.0\.0\.1/);
    }
  });
});
