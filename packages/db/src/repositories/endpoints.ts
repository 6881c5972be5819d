import { newId } from '@herald/domain';
import { IsNull } from 'typeorm';
import type { TenantTx } from '../database';
import { EndpointEntity, EndpointSecretEntity } from '../entities';
import { paginate, type Page, type PageArgs } from './pagination';

export type EndpointFields = Pick<
  EndpointEntity,
  | 'url'
  | 'description'
  | 'eventTypes'
  | 'channels'
  | 'payloadFilter'
  | 'headers'
  | 'rateLimitPerSecond'
  | 'fifo'
>;

/** Endpoints are soft-deleted so their delivery logs outlive them. */
export class EndpointRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(EndpointEntity);
  }

  private get secrets() {
    return this.tx.manager.getRepository(EndpointSecretEntity);
  }

  create(applicationId: string, fields: EndpointFields): Promise<EndpointEntity> {
    return this.repo.save(
      this.repo.create({
        ...fields,
        id: newId('ep'),
        tenantId: this.tx.tenantId,
        applicationId,
      }),
    );
  }

  findById(id: string): Promise<EndpointEntity | null> {
    return this.repo.findOneBy({ id, tenantId: this.tx.tenantId, deletedAt: IsNull() });
  }

  /** Whether the endpoint exists, deleted or not (its delivery log outlives it). */
  async exists(id: string): Promise<boolean> {
    return this.repo.existsBy({ id, tenantId: this.tx.tenantId });
  }

  save(entity: EndpointEntity): Promise<EndpointEntity> {
    entity.updatedAt = new Date();
    return this.repo.save(entity);
  }

  async softDelete(id: string): Promise<void> {
    await this.repo.update(
      { id, tenantId: this.tx.tenantId },
      { deletedAt: new Date(), updatedAt: new Date() },
    );
  }

  /** Disables an enabled, existing endpoint; false when it already was (or is gone). */
  async disable(id: string, reason: string): Promise<boolean> {
    const rows = await this.tx.query(
      `UPDATE endpoints SET disabled_at = now(), disabled_reason = $3, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL AND deleted_at IS NULL RETURNING id`,
      [this.tx.tenantId, id, reason],
    );
    return rows.length > 0;
  }

  list(
    applicationId: string,
    filter: { disabled?: boolean | null },
    page: PageArgs,
  ): Promise<Page<EndpointEntity>> {
    const qb = this.repo
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId AND e.application_id = :applicationId', {
        tenantId: this.tx.tenantId,
        applicationId,
      })
      .andWhere('e.deleted_at IS NULL');
    if (filter.disabled === true) qb.andWhere('e.disabled_at IS NOT NULL');
    if (filter.disabled === false) qb.andWhere('e.disabled_at IS NULL');
    return paginate(qb, page);
  }

  /** Every enabled endpoint of the given applications: the fan-out candidates. */
  async listEnabledForApplications(applicationIds: string[]): Promise<EndpointEntity[]> {
    if (applicationIds.length === 0) return [];
    return this.repo
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId: this.tx.tenantId })
      .andWhere('e.application_id = ANY(:ids)', { ids: applicationIds })
      .andWhere('e.deleted_at IS NULL AND e.disabled_at IS NULL')
      .getMany();
  }

  /** Stores a new secret (already encrypted by the caller with its row id bound). */
  async addSecret(
    endpointId: string,
    encrypt: (secretId: string) => Buffer,
  ): Promise<EndpointSecretEntity> {
    const id = newId('sec');
    return this.secrets.save(
      this.secrets.create({
        id,
        tenantId: this.tx.tenantId,
        endpointId,
        ciphertext: encrypt(id),
        expiresAt: null,
      }),
    );
  }

  /** Secrets valid now, newest first: the current one, then any still in their grace period. */
  async activeSecrets(endpointId: string): Promise<EndpointSecretEntity[]> {
    return this.secrets
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenantId AND s.endpoint_id = :endpointId', {
        tenantId: this.tx.tenantId,
        endpointId,
      })
      .andWhere('(s.expires_at IS NULL OR s.expires_at > now())')
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .getMany();
  }

  /** Starts the grace period of every current secret; the caller then adds the new one. */
  async expireCurrentSecrets(endpointId: string, expiresAt: Date): Promise<void> {
    await this.tx.query(
      `UPDATE endpoint_secrets SET expires_at = $3
        WHERE tenant_id = $1 AND endpoint_id = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [this.tx.tenantId, endpointId, expiresAt],
    );
  }
}
