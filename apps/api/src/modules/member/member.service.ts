import {
  ApiKeyRepository,
  MemberRepository,
  SystemRepository,
  hashToken,
  newToken,
  type Database,
  type MemberEntity,
  type Page,
  type PageArgs,
} from '@herald/db';
import {
  canAssignRole,
  canManageMember,
  ConflictError,
  ForbiddenError,
  isRole,
  MailNotConfiguredError,
  NotFoundError,
  ValidationError,
  type Role,
} from '@herald/domain';
import type { TenantPrincipal } from '../../auth/principal';
import type { Mailer } from '../../mail/mailer';
import { invitationMail } from '../../mail/messages';
import { validateIdArg } from '../common/validate';
import { checkEmail } from '../tenant/tenant.service';

export class MemberService {
  constructor(
    private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
  ) {}

  list(tenantId: string, page: PageArgs): Promise<Page<MemberEntity>> {
    return this.db.withTenant(tenantId, (tx) => new MemberRepository(tx).list(page));
  }

  /**
   * Invites someone: a pending membership and a one-time link mailed to the address. The link is
   * never returned to the inviter — holding it is what proves the address when it is accepted
   * (TenantService.acceptInvitation). An account is created without a password when the address
   * is new. Inviting a pending member again mails a new link and retires the old one.
   */
  async invite(actor: TenantPrincipal, email: string, role: Role): Promise<MemberEntity> {
    const cleanEmail = checkEmail(email);
    checkRole(role);
    if (!canAssignRole(actor.role, role))
      throw new ForbiddenError(`A ${actor.role} cannot invite a ${role}`);
    if (!this.mailer.enabled) throw new MailNotConfiguredError();
    const token = newToken('hi_');
    // The user row is global (no tenant), so it is found or created outside tenant scope.
    const { user, tenant } = await this.db.withSystem(async (m) => {
      const repo = new SystemRepository(m);
      return {
        user: (await repo.findUserByEmail(cleanEmail)) ?? (await repo.createUser(cleanEmail, null)),
        tenant: await repo.findTenant(actor.tenantId),
      };
    });
    const member = await this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new MemberRepository(tx);
      const existing = await repo.findByUserId(user.id);
      if (existing && existing.acceptedAt)
        throw new ConflictError(`${cleanEmail} is already a member`, { field: 'email' });
      if (existing) {
        if (existing.role !== role)
          throw new ConflictError(`${cleanEmail} is already invited as ${existing.role}`, {
            field: 'role',
          });
        await repo.reissueInvite(existing.id, hashToken(token));
        return existing;
      }
      const created = await repo.create(user.id, role, hashToken(token));
      created.user = user;
      return created;
    });
    await this.mailer.send(
      invitationMail(this.publicUrl, user.email, token, tenant?.name ?? 'a tenant', role),
    );
    return member;
  }

  updateRole(actor: TenantPrincipal, memberId: string, role: Role): Promise<MemberEntity> {
    validateIdArg('id', memberId, 'mbr');
    checkRole(role);
    return this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new MemberRepository(tx);
      const member = await findOrThrow(repo, memberId);
      if (!canManageMember(actor.role, member.role) || !canAssignRole(actor.role, role)) {
        throw new ForbiddenError(`A ${actor.role} cannot make a ${member.role} a ${role}`);
      }
      if (member.role === 'owner' && role !== 'owner' && (await repo.countOwners()) <= 1) {
        throw new ConflictError('A tenant must keep at least one owner');
      }
      member.role = role;
      return repo.save(member);
    });
  }

  /** Removes a member, ends their sessions here and revokes the API keys they answer for. */
  async remove(actor: TenantPrincipal, memberId: string): Promise<string> {
    validateIdArg('id', memberId, 'mbr');
    const removed = await this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new MemberRepository(tx);
      const member = await findOrThrow(repo, memberId);
      if (!canManageMember(actor.role, member.role)) {
        throw new ForbiddenError(`A ${actor.role} cannot remove a ${member.role}`);
      }
      if (member.role === 'owner' && (await repo.countOwners()) <= 1) {
        throw new ConflictError('A tenant must keep at least one owner');
      }
      await repo.delete(member.id);
      await new ApiKeyRepository(tx).revokeCreatedBy(member.userId);
      return member;
    });
    // Sessions are not tenant data (they are looked up before a tenant is known).
    await this.db.withSystem((m) =>
      new SystemRepository(m).deleteSessionsIn(actor.tenantId, removed.userId),
    );
    return removed.id;
  }
}

async function findOrThrow(repo: MemberRepository, id: string): Promise<MemberEntity> {
  const member = await repo.findById(id);
  if (!member) throw new NotFoundError(`Member ${id} not found`);
  return member;
}

function checkRole(role: string): void {
  if (!isRole(role))
    throw new ValidationError('role must be owner, admin, developer or viewer', { field: 'role' });
}
