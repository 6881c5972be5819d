import type { PlanId } from '@herald/config';
import {
  hashToken,
  newToken,
  SystemRepository,
  type Database,
  type Page,
  type PageArgs,
  type TenantEntity,
  type UserEntity,
} from '@herald/db';
import {
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type Role,
} from '@herald/domain';
import { API_KEY_PREFIX, SESSION_PREFIX } from '../../auth/authenticator';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import type { TenantPrincipal } from '../../auth/principal';
import type { IdentityThrottles } from '../../auth/throttles';
import type { Mailer } from '../../mail/mailer';
import { verificationMail } from '../../mail/messages';
import { requireText } from '../common/validate';

export interface SessionResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
  tenant: TenantEntity;
  role: Role;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const VERIFICATION_TTL_MS = 24 * 3_600_000;

/** Who is asking: the peer address for the shared throttles, and the session they hold, if any. */
export interface Caller {
  address: string | null;
  userId?: string | null;
}

export interface IdentityDeps {
  throttles: IdentityThrottles;
  mailer: Mailer;
  publicUrl: string;
  logger: { warn(msg: string, fields?: Record<string, unknown>): void };
}
// A real hash to compare against when the user does not exist, so timing does not tell.
const DUMMY_HASH_PROMISE = hashPassword('not-a-real-password-' + Math.random());

export function checkEmail(email: string): string {
  const value = (email ?? '').trim();
  if (value.length > 254 || !EMAIL.test(value)) {
    throw new ValidationError('email is not a valid address', { field: 'email' });
  }
  return value;
}

export function checkPassword(password: string): string {
  if (typeof password !== 'string' || password.length < 10 || password.length > 256) {
    throw new ValidationError('password must be 10–256 characters', { field: 'password' });
  }
  return password;
}

/** API keys: shown once, stored as SHA-256; the first characters are kept to recognise them. */
export function mintApiKey(): { key: string; keyHash: string; keyPrefix: string } {
  const key = newToken(API_KEY_PREFIX);
  return { key, keyHash: hashToken(key), keyPrefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

export class TenantService {
  constructor(
    private readonly db: Database,
    private readonly sessionTtlMs: number,
    private readonly identity: IdentityDeps,
  ) {}

  /**
   * Creates a user, their tenant and a session, and mails a verification link. The account works
   * for its own tenant at once; until the link is opened it is only a claim on the address, which
   * an invitation to that address does not trust (acceptInvitation).
   */
  async signUp(
    email: string,
    password: string,
    tenantName: string,
    caller: Caller,
  ): Promise<SessionResult> {
    const cleanEmail = checkEmail(email);
    checkPassword(password);
    const name = requireText('tenantName', tenantName, 128);
    // Before the password hash: throttled sign-ups cost no hashing.
    await this.identity.throttles.signUp(cleanEmail, caller.address);
    const passwordHash = await hashPassword(password);
    const { user, tenant } = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      if (await repo.findUserByEmail(cleanEmail)) {
        throw new ConflictError('An account with this email already exists; log in instead', {
          field: 'email',
        });
      }
      const user = await repo.createUser(cleanEmail, passwordHash);
      const tenant = await repo.createTenant(name);
      await repo.addMember(tenant.id, user.id, 'owner');
      return { user, tenant };
    });
    await this.sendVerification(user);
    return this.openSession(user, tenant, 'owner');
  }

  /** Mails a fresh verification link to a signed-in user whose address is not verified yet. */
  async requestEmailVerification(userId: string, caller: Caller): Promise<boolean> {
    const user = await this.db.withSystem((m) => new SystemRepository(m).findUser(userId));
    if (!user) throw new UnauthenticatedError('Session expired or invalid; log in again');
    if (user.emailVerifiedAt) return false;
    await this.identity.throttles.signUp(user.email, caller.address);
    await this.sendVerification(user);
    return true;
  }

  /** Opens a verification link: the address is proven. */
  async verifyEmail(token: string): Promise<UserEntity> {
    if (typeof token !== 'string' || token.length > 200)
      throw new UnauthenticatedError('Invalid or expired verification link');
    const user = await this.db.withSystem((m) =>
      new SystemRepository(m).verifyEmail(hashToken(token)),
    );
    if (!user) throw new UnauthenticatedError('Invalid or expired verification link');
    return user;
  }

  async logIn(
    email: string,
    password: string,
    tenantId: string | null | undefined,
    caller: Caller,
  ): Promise<SessionResult> {
    const key = (email ?? '').trim().toLowerCase();
    await this.identity.throttles.logIn(key, caller.address);
    const found = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const user = await repo.findUserByEmail(key);
      return { user, memberships: user ? await repo.membershipsOf(user.id) : [] };
    });
    const valid = found.user?.passwordHash
      ? await verifyPassword(password ?? '', found.user.passwordHash)
      : (await verifyPassword(password ?? '', await DUMMY_HASH_PROMISE), false);
    if (!valid || !found.user) throw new UnauthenticatedError('Wrong email or password');
    const membership = tenantId
      ? found.memberships.find((m) => m.tenantId === tenantId)
      : found.memberships[0];
    if (!membership) throw new UnauthenticatedError('You are not a member of that tenant');
    const tenant = await this.db.withSystem((m) =>
      new SystemRepository(m).findTenant(membership.tenantId),
    );
    if (!tenant) throw new UnauthenticatedError('Tenant no longer exists');
    return this.openSession(found.user, tenant, membership.role);
  }

  async logOut(token: string): Promise<void> {
    await this.db.withSystem((m) => new SystemRepository(m).deleteSession(hashToken(token)));
  }

  /**
   * Accepts an invitation. The link was mailed to the invited address (never shown to the
   * inviter), so holding it proves the address. What else is required depends on the account:
   * - none with a password yet (created by the invitation): choose one; the address is verified.
   * - a verified account: prove it is yours — be logged in as it, or give its password.
   * - an unverified account: its password proves nothing (anyone can sign up with any address),
   *   so the link holder's password replaces it, every session of the account ends and the
   *   address is verified. This is what defeats pre-hijacking: an attacker who signed up with
   *   the victim's address loses the account the moment the victim accepts.
   * Returns the session and whether the account's earlier sessions were ended.
   */
  async acceptInvitation(
    token: string,
    password: string | null | undefined,
    caller: Caller,
  ): Promise<SessionResult & { sessionsEnded: boolean }> {
    if (typeof token !== 'string' || token.length > 200)
      throw new UnauthenticatedError('Invalid invitation');
    await this.identity.throttles.acceptInvitation(caller.address);
    const found = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const member = await repo.findMemberByInviteHash(hashToken(token));
      if (!member) throw new UnauthenticatedError('Invalid or already used invitation');
      return { member, user: (await repo.findUser(member.userId)) as UserEntity };
    });
    const { member, user } = found;
    let newHash: string | null = null;
    let endSessions = false;
    if (!user.passwordHash) {
      if (!password)
        throw new ValidationError('Choose a password to accept the invitation', {
          field: 'password',
        });
      newHash = await hashPassword(checkPassword(password));
    } else if (user.emailVerifiedAt) {
      if (caller.userId !== user.id) {
        if (!password)
          throw new UnauthenticatedError(
            'This invitation is for an existing account: log in as it, or give its password',
          );
        // A password check like log-in's, under the same per-account throttle.
        await this.identity.throttles.logIn(user.email, caller.address);
        if (!(await verifyPassword(password, user.passwordHash)))
          throw new UnauthenticatedError('Wrong password for the invited account');
      }
    } else if (caller.userId !== user.id) {
      if (!password)
        throw new ValidationError('Choose a password to accept the invitation', {
          field: 'password',
        });
      newHash = await hashPassword(checkPassword(password));
      endSessions = true;
    }
    const tenant = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      // Consumed in the same transaction that trusts it; a second use finds nothing.
      if (!(await repo.findMemberByInviteHash(hashToken(token))))
        throw new UnauthenticatedError('Invalid or already used invitation');
      if (newHash) {
        await repo.setPassword(user.id, newHash);
        user.passwordHash = newHash;
      }
      if (endSessions) await repo.deleteSessionsOf(user.id);
      await repo.markEmailVerified(user.id);
      user.emailVerifiedAt ??= new Date();
      await repo.acceptInvite(member.id);
      return (await repo.findTenant(member.tenantId)) as TenantEntity;
    });
    return {
      ...(await this.openSession(user, tenant, member.role)),
      sessionsEnded: endSessions,
    };
  }

  private async sendVerification(user: UserEntity): Promise<void> {
    const token = newToken('hv_');
    await this.db.withSystem((m) =>
      new SystemRepository(m).setEmailVerification(
        user.id,
        hashToken(token),
        new Date(Date.now() + VERIFICATION_TTL_MS),
      ),
    );
    if (!this.identity.mailer.enabled) {
      this.identity.logger.warn('verification mail not sent: no SMTP_URL', { userId: user.id });
      return;
    }
    try {
      await this.identity.mailer.send(verificationMail(this.identity.publicUrl, user.email, token));
    } catch (error) {
      // The account exists either way; a new link can be asked for (requestEmailVerification).
      this.identity.logger.warn('verification mail failed', {
        userId: user.id,
        error: (error as Error).message,
      });
    }
  }

  async viewer(
    principal: TenantPrincipal,
  ): Promise<{ tenant: TenantEntity; user: UserEntity | null }> {
    return this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const tenant = await repo.findTenant(principal.tenantId);
      if (!tenant) throw new NotFoundError('Tenant not found');
      const user = principal.kind === 'session' ? await repo.findUser(principal.userId) : null;
      return { tenant, user };
    });
  }

  /** Operator provisioning: a tenant, an admin API key, and optionally an owner who can log in. */
  async createTenant(
    name: string,
    owner: { email: string; password: string } | null,
    plan: PlanId = 'free',
  ): Promise<{ tenant: TenantEntity; apiKey: string; owner: UserEntity | null }> {
    const cleanName = requireText('name', name, 128);
    const ownerInput = owner
      ? {
          email: checkEmail(owner.email),
          passwordHash: await hashPassword(checkPassword(owner.password)),
        }
      : null;
    const minted = mintApiKey();
    return this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const tenant = await repo.createTenant(cleanName, plan);
      let ownerUser: UserEntity | null = null;
      if (ownerInput) {
        ownerUser = await repo.findUserByEmail(ownerInput.email);
        if (ownerUser)
          throw new ConflictError('An account with this email already exists', {
            field: 'ownerEmail',
          });
        ownerUser = await repo.createUser(ownerInput.email, ownerInput.passwordHash, {
          verified: true,
        });
        await repo.addMember(tenant.id, ownerUser.id, 'owner');
      }
      await repo.createApiKey({
        tenantId: tenant.id,
        name: 'Provisioning key',
        role: 'admin',
        keyHash: minted.keyHash,
        keyPrefix: minted.keyPrefix,
        createdBy: null,
        expiresAt: null,
      });
      return { tenant, apiKey: minted.key, owner: ownerUser };
    });
  }

  listTenants(page: PageArgs): Promise<Page<TenantEntity>> {
    return this.db.withSystem((m) => new SystemRepository(m).listTenants(page));
  }

  private async openSession(
    user: UserEntity,
    tenant: TenantEntity,
    role: Role,
  ): Promise<SessionResult> {
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await this.db.withSystem((m) =>
      new SystemRepository(m).createSession(user.id, tenant.id, hashToken(token), expiresAt),
    );
    return { token, expiresAt, user, tenant, role };
  }
}
