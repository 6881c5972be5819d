import {
  ApiKeyRepository,
  type ApiKeyEntity,
  type Database,
  type Page,
  type PageArgs,
} from '@herald/db';
import {
  ForbiddenError,
  NotFoundError,
  roleRank,
  ValidationError,
  type Role,
} from '@herald/domain';
import type { TenantPrincipal } from '../../auth/principal';
import { checkTime, requireText, validateIdArg } from '../common/validate';
import { mintApiKey } from '../tenant/tenant.service';

export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly onRevoke: (apiKeyId: string) => void,
  ) {}

  /**
   * A key never carries more power than its creator has, then or later (the authenticator caps
   * it at the creator's current role); owner keys do not exist. A key made with a key answers to
   * the person behind that key.
   */
  async create(
    actor: TenantPrincipal,
    input: { name: string; role?: Role | null; expiresAt?: Date | null },
  ): Promise<{ apiKey: ApiKeyEntity; key: string }> {
    const name = requireText('name', input.name, 128);
    const role = input.role ?? 'developer';
    if (role === 'owner')
      throw new ValidationError('API keys can be admin, developer or viewer', { field: 'role' });
    if (roleRank(role) > roleRank(actor.role))
      throw new ForbiddenError(`A ${actor.role} cannot create a ${role} key`);
    if (input.expiresAt) checkTime('expiresAt', input.expiresAt);
    if (
      input.expiresAt &&
      (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= Date.now())
    ) {
      throw new ValidationError('expiresAt must be in the future', { field: 'expiresAt' });
    }
    const minted = mintApiKey();
    const apiKey = await this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new ApiKeyRepository(tx);
      const created = await repo.create({
        name,
        role,
        keyHash: minted.keyHash,
        keyPrefix: minted.keyPrefix,
        createdBy: actor.kind === 'session' ? actor.userId : actor.apiKeyId,
        createdByUserId: actor.kind === 'session' ? actor.userId : actor.creatorUserId,
        creatorRole: actor.role,
        expiresAt: input.expiresAt ?? null,
      });
      // Read back with its creator, as lists show it.
      return (await repo.findById(created.id)) as ApiKeyEntity;
    });
    return { apiKey, key: minted.key };
  }

  async revoke(actor: TenantPrincipal, id: string): Promise<ApiKeyEntity> {
    validateIdArg('id', id, 'key');
    const key = await this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new ApiKeyRepository(tx);
      const found = await repo.findById(id);
      if (!found) throw new NotFoundError(`API key ${id} not found`);
      if (roleRank(found.role) > roleRank(actor.role))
        throw new ForbiddenError(`A ${actor.role} cannot revoke a ${found.role} key`);
      await repo.revoke(id);
      return (await repo.findById(id)) as ApiKeyEntity;
    });
    this.onRevoke(id);
    return key;
  }

  list(tenantId: string, includeRevoked: boolean, page: PageArgs): Promise<Page<ApiKeyEntity>> {
    return this.db.withTenant(tenantId, (tx) =>
      new ApiKeyRepository(tx).list({ includeRevoked }, page),
    );
  }
}
