import {
  ApiKeyRepository,
  type ApiKeyEntity,
  type Database,
  type Page,
  type PageArgs,
} from '@herald/db';
import { ForbiddenError, NotFoundError, ValidationError, type Role } from '@herald/domain';
import type { TenantPrincipal } from '../../auth/principal';
import { checkTime, requireText, validateIdArg } from '../common/validate';
import { mintApiKey } from '../tenant/tenant.service';

const RANK: Record<Role, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };

export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly onRevoke: (apiKeyId: string) => void,
  ) {}

  /** A key never carries more power than its creator has; owner keys do not exist. */
  async create(
    actor: TenantPrincipal,
    input: { name: string; role?: Role | null; expiresAt?: Date | null },
  ): Promise<{ apiKey: ApiKeyEntity; key: string }> {
    const name = requireText('name', input.name, 128);
    const role = input.role ?? 'developer';
    if (role === 'owner')
      throw new ValidationError('API keys can be admin, developer or viewer', { field: 'role' });
    if (RANK[role] > RANK[actor.role])
      throw new ForbiddenError(`A ${actor.role} cannot create a ${role} key`);
    if (input.expiresAt) checkTime('expiresAt', input.expiresAt);
    if (
      input.expiresAt &&
      (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= Date.now())
    ) {
      throw new ValidationError('expiresAt must be in the future', { field: 'expiresAt' });
    }
    const minted = mintApiKey();
    const apiKey = await this.db.withTenant(actor.tenantId, (tx) =>
      new ApiKeyRepository(tx).create({
        name,
        role,
        keyHash: minted.keyHash,
        keyPrefix: minted.keyPrefix,
        createdBy: actor.kind === 'session' ? actor.userId : actor.apiKeyId,
        expiresAt: input.expiresAt ?? null,
      }),
    );
    return { apiKey, key: minted.key };
  }

  async revoke(actor: TenantPrincipal, id: string): Promise<ApiKeyEntity> {
    validateIdArg('id', id, 'key');
    const key = await this.db.withTenant(actor.tenantId, async (tx) => {
      const repo = new ApiKeyRepository(tx);
      const found = await repo.findById(id);
      if (!found) throw new NotFoundError(`API key ${id} not found`);
      if (RANK[found.role] > RANK[actor.role])
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
