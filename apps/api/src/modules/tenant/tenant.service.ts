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
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
  type Role,
} from '@herald/domain';
import { API_KEY_PREFIX, SESSION_PREFIX } from '../../auth/authenticator';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import type { TenantPrincipal } from '../../auth/principal';
import { RateLimiter } from '../../http/rate-limiter';
import { requireText } from '../common/validate';

export interface SessionResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
  tenant: TenantEntity;
  role: Role;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
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
  // Ten tries a minute per address slows password guessing without locking anyone out for long.
  private readonly loginLimiter = new RateLimiter(10 / 60, 10);

  constructor(
    private readonly db: Database,
    private readonly sessionTtlMs: number,
  ) {}

  async signUp(email: string, password: string, tenantName: string): Promise<SessionResult> {
    const cleanEmail = checkEmail(email);
    const passwordHash = await hashPassword(checkPassword(password));
    const name = requireText('tenantName', tenantName, 128);
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
    return this.openSession(user, tenant, 'owner');
  }

  async logIn(
    email: string,
    password: string,
    tenantId: string | null | undefined,
  ): Promise<SessionResult> {
    const key = (email ?? '').trim().toLowerCase();
    try {
      this.loginLimiter.take(key);
    } catch (error) {
      if (error instanceof RateLimitedError)
        throw new RateLimitedError('Too many log-in attempts; wait a minute', {
          retryAfterMs: error.retryAfterMs,
        });
      throw error;
    }
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

  /** Accepts an invitation: sets the password if the user has none, then opens a session. */
  async acceptInvitation(
    token: string,
    password: string | null | undefined,
  ): Promise<SessionResult> {
    if (typeof token !== 'string' || token.length > 200)
      throw new UnauthenticatedError('Invalid invitation');
    const { member, user, tenant } = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      const member = await repo.findMemberByInviteHash(hashToken(token));
      if (!member) throw new UnauthenticatedError('Invalid or already used invitation');
      const user = (await repo.findUser(member.userId)) as UserEntity;
      if (!user.passwordHash) {
        if (!password)
          throw new ValidationError('Choose a password to accept the invitation', {
            field: 'password',
          });
        user.passwordHash = await hashPassword(checkPassword(password));
        await repo.setPassword(user.id, user.passwordHash);
      }
      await repo.acceptInvite(member.id);
      return { member, user, tenant: (await repo.findTenant(member.tenantId)) as TenantEntity };
    });
    return this.openSession(user, tenant, member.role);
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
        ownerUser = await repo.createUser(ownerInput.email, ownerInput.passwordHash);
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
