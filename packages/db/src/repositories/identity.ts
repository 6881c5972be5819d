import { newId, type Role } from '@herald/domain';
import { IsNull, type EntityManager } from 'typeorm';
import type { TenantTx } from '../database';
import { ApiKeyEntity, MemberEntity, SessionEntity, TenantEntity, UserEntity } from '../entities';
import { paginate, type Page, type PageArgs } from './pagination';

/**
 * Look-ups that happen before a tenant is known (sign-up, log-in, credential checks) or on
 * behalf of the operator. They run through `Database.withSystem`.
 */
export class SystemRepository {
  constructor(private readonly manager: EntityManager) {}

  createTenant(name: string, plan: TenantEntity['plan'] = 'free'): Promise<TenantEntity> {
    const repo = this.manager.getRepository(TenantEntity);
    return repo.save(repo.create({ id: newId('tnt'), name, plan }));
  }

  listTenants(page: PageArgs): Promise<Page<TenantEntity>> {
    return paginate(this.manager.getRepository(TenantEntity).createQueryBuilder('t'), page);
  }

  findTenant(id: string): Promise<TenantEntity | null> {
    return this.manager.getRepository(TenantEntity).findOneBy({ id });
  }

  findUserByEmail(email: string): Promise<UserEntity | null> {
    return this.manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  findUser(id: string): Promise<UserEntity | null> {
    return this.manager.getRepository(UserEntity).findOneBy({ id });
  }

  /** `verified`: the caller proved the address (an invitation link, the operator). */
  createUser(
    email: string,
    passwordHash: string | null,
    { verified = false }: { verified?: boolean } = {},
  ): Promise<UserEntity> {
    const repo = this.manager.getRepository(UserEntity);
    return repo.save(
      repo.create({
        id: newId('usr'),
        email,
        passwordHash,
        emailVerifiedAt: verified ? new Date() : null,
      }),
    );
  }

  /** Replaces any earlier pending verification of the user's address. */
  async setEmailVerification(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.manager
      .getRepository(UserEntity)
      .update(
        { id: userId },
        { emailVerificationHash: tokenHash, emailVerificationExpiresAt: expiresAt },
      );
  }

  /** Marks the address verified when the token is current; returns the user, or null. */
  async verifyEmail(tokenHash: string): Promise<UserEntity | null> {
    const result = await this.manager
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        emailVerifiedAt: () => 'coalesce(email_verified_at, now())',
        emailVerificationHash: null,
        emailVerificationExpiresAt: null,
      })
      .where('email_verification_hash = :tokenHash AND email_verification_expires_at > now()', {
        tokenHash,
      })
      .returning(['id'])
      .execute();
    const rows = result.raw as { id: string }[];
    return rows.length === 1 ? this.findUser(rows[0].id) : null;
  }

  async markEmailVerified(userId: string): Promise<void> {
    await this.manager.query(
      `UPDATE users SET email_verified_at = coalesce(email_verified_at, now()),
              email_verification_hash = NULL, email_verification_expires_at = NULL
        WHERE id = $1`,
      [userId],
    );
  }

  /** Ends the user's sessions in one tenant (they left it). */
  async deleteSessionsIn(tenantId: string, userId: string): Promise<void> {
    await this.manager.getRepository(SessionEntity).delete({ tenantId, userId });
  }

  /** Ends every session of the user, in every tenant (their password changed hands). */
  async deleteSessionsOf(userId: string): Promise<void> {
    await this.manager.getRepository(SessionEntity).delete({ userId });
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.manager.getRepository(UserEntity).update({ id: userId }, { passwordHash });
  }

  addMember(tenantId: string, userId: string, role: Role): Promise<MemberEntity> {
    const repo = this.manager.getRepository(MemberEntity);
    return repo.save(
      repo.create({ id: newId('mbr'), tenantId, userId, role, acceptedAt: new Date() }),
    );
  }

  /** Tenants a user belongs to (accepted memberships), oldest first. */
  membershipsOf(userId: string): Promise<MemberEntity[]> {
    return this.manager
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .where('m.user_id = :userId AND m.accepted_at IS NOT NULL', { userId })
      .orderBy('m.id', 'ASC')
      .getMany();
  }

  findMemberByInviteHash(hash: string): Promise<MemberEntity | null> {
    return this.manager.getRepository(MemberEntity).findOneBy({ inviteTokenHash: hash });
  }

  async acceptInvite(memberId: string): Promise<void> {
    await this.manager
      .getRepository(MemberEntity)
      .update({ id: memberId }, { acceptedAt: new Date(), inviteTokenHash: null });
  }

  createSession(
    userId: string,
    tenantId: string,
    tokenHash: string,
    expiresAt: Date,
  ): Promise<SessionEntity> {
    const repo = this.manager.getRepository(SessionEntity);
    return repo.save(repo.create({ id: newId('ses'), userId, tenantId, tokenHash, expiresAt }));
  }

  findSession(tokenHash: string): Promise<SessionEntity | null> {
    return this.manager
      .getRepository(SessionEntity)
      .createQueryBuilder('s')
      .where('s.token_hash = :tokenHash AND s.expires_at > now()', { tokenHash })
      .getOne();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.manager.getRepository(SessionEntity).delete({ tokenHash });
  }

  findMember(tenantId: string, userId: string): Promise<MemberEntity | null> {
    return this.manager.getRepository(MemberEntity).findOneBy({ tenantId, userId });
  }

  /**
   * An active key and the current role of the person it answers to, in one statement: null when
   * the key is revoked or expired, `creatorRole` null when the key has no creator, and
   * `creatorIsMember` false when its creator has left the tenant.
   */
  async findActiveApiKey(
    keyHash: string,
  ): Promise<{ key: ApiKeyEntity; creatorRole: Role | null; creatorIsMember: boolean } | null> {
    const { entities, raw } = await this.manager
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .leftJoin(
        MemberEntity,
        'm',
        'm.tenant_id = k.tenant_id AND m.user_id = k.created_by_user_id AND m.accepted_at IS NOT NULL',
      )
      .addSelect('m.role', 'member_role')
      .where('k.key_hash = :keyHash AND k.revoked_at IS NULL', { keyHash })
      .andWhere('(k.expires_at IS NULL OR k.expires_at > now())')
      .getRawAndEntities<{ member_role: Role | null }>();
    const key = entities[0];
    if (!key) return null;
    const memberRole = raw[0]?.member_role ?? null;
    return {
      key,
      creatorRole: memberRole,
      creatorIsMember: key.createdByUserId === null || memberRole !== null,
    };
  }

  async touchApiKey(id: string): Promise<void> {
    await this.manager.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
  }

  createApiKey(fields: {
    tenantId: string;
    name: string;
    role: Exclude<Role, 'owner'>;
    keyHash: string;
    keyPrefix: string;
    createdBy: string | null;
    createdByUserId?: string | null;
    creatorRole?: Role | null;
    expiresAt: Date | null;
  }): Promise<ApiKeyEntity> {
    const repo = this.manager.getRepository(ApiKeyEntity);
    return repo.save(repo.create({ ...fields, id: newId('key') }));
  }
}

export class MemberRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(MemberEntity);
  }

  /** Members with their user's public columns only: the tenant role cannot read password hashes. */
  private withUser() {
    return this.repo
      .createQueryBuilder('m')
      .leftJoin('m.user', 'u')
      .addSelect(['u.id', 'u.email', 'u.emailVerifiedAt', 'u.createdAt'])
      .where('m.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
  }

  list(page: PageArgs): Promise<Page<MemberEntity>> {
    return paginate(this.withUser(), page);
  }

  findById(id: string): Promise<MemberEntity | null> {
    return this.withUser().andWhere('m.id = :id', { id }).getOne();
  }

  findByUserId(userId: string): Promise<MemberEntity | null> {
    return this.withUser().andWhere('m.user_id = :userId', { userId }).getOne();
  }

  create(userId: string, role: Role, inviteTokenHash: string | null): Promise<MemberEntity> {
    return this.repo.save(
      this.repo.create({
        id: newId('mbr'),
        tenantId: this.tx.tenantId,
        userId,
        role,
        inviteTokenHash,
        acceptedAt: inviteTokenHash ? null : new Date(),
      }),
    );
  }

  /** A new invitation token for a pending member (the previous link stops working). */
  async reissueInvite(id: string, inviteTokenHash: string): Promise<void> {
    await this.repo.update(
      { id, tenantId: this.tx.tenantId, acceptedAt: IsNull() },
      { inviteTokenHash },
    );
  }

  save(member: MemberEntity): Promise<MemberEntity> {
    return this.repo.save(member);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id, tenantId: this.tx.tenantId });
  }

  countOwners(): Promise<number> {
    return this.repo.countBy({ tenantId: this.tx.tenantId, role: 'owner' });
  }
}

export class ApiKeyRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(ApiKeyEntity);
  }

  create(fields: {
    name: string;
    role: Exclude<Role, 'owner'>;
    keyHash: string;
    keyPrefix: string;
    createdBy: string | null;
    createdByUserId: string | null;
    creatorRole: Role | null;
    expiresAt: Date | null;
  }): Promise<ApiKeyEntity> {
    return this.repo.save(
      this.repo.create({ ...fields, id: newId('key'), tenantId: this.tx.tenantId }),
    );
  }

  /** Keys with their creator's public columns (null once the creator left the tenant). */
  private withCreator() {
    return this.repo
      .createQueryBuilder('k')
      .leftJoin('k.creator', 'u')
      .addSelect(['u.id', 'u.email', 'u.emailVerifiedAt', 'u.createdAt'])
      .where('k.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.withCreator().andWhere('k.id = :id', { id }).getOne();
  }

  list(filter: { includeRevoked?: boolean | null }, page: PageArgs): Promise<Page<ApiKeyEntity>> {
    const qb = this.withCreator();
    if (!filter.includeRevoked) qb.andWhere('k.revoked_at IS NULL');
    return paginate(qb, page);
  }

  async revoke(id: string): Promise<void> {
    await this.repo.update(
      { id, tenantId: this.tx.tenantId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
  }

  /** Revokes every active key the user answers for; returns their ids. */
  async revokeCreatedBy(userId: string): Promise<string[]> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('tenant_id = :tenantId AND created_by_user_id = :userId AND revoked_at IS NULL', {
        tenantId: this.tx.tenantId,
        userId,
      })
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[]).map((r) => r.id);
  }
}

export class TenantRepository {
  constructor(private readonly tx: TenantTx) {}

  find(): Promise<TenantEntity | null> {
    return this.tx.manager.getRepository(TenantEntity).findOneBy({ id: this.tx.tenantId });
  }
}
