import { newId } from '@herald/domain';
import type { TenantTx } from '../database';
import { ApplicationEntity } from '../entities';
import { paginate, type Page, type PageArgs } from './pagination';

export interface ApplicationFilter {
  uid?: string | null;
  name?: string | null;
}

export type ApplicationFields = Pick<
  ApplicationEntity,
  'uid' | 'name' | 'rateLimitPerSecond' | 'metadata'
>;

export class ApplicationRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(ApplicationEntity);
  }

  async create(fields: ApplicationFields): Promise<ApplicationEntity> {
    const entity = this.repo.create({ ...fields, id: newId('app'), tenantId: this.tx.tenantId });
    return this.repo.save(entity);
  }

  findById(id: string): Promise<ApplicationEntity | null> {
    return this.repo.findOneBy({ id, tenantId: this.tx.tenantId });
  }

  findByUid(uid: string): Promise<ApplicationEntity | null> {
    return this.repo.findOneBy({ uid, tenantId: this.tx.tenantId });
  }

  /** Accepts either an `app_` id or the tenant's own uid. */
  findByIdOrUid(idOrUid: string): Promise<ApplicationEntity | null> {
    return idOrUid.startsWith('app_') ? this.findById(idOrUid) : this.findByUid(idOrUid);
  }

  findOperational(): Promise<ApplicationEntity | null> {
    return this.repo.findOneBy({ tenantId: this.tx.tenantId, kind: 'operational' });
  }

  /** The tenant's operational-webhooks application, created on first use. */
  async ensureOperational(): Promise<ApplicationEntity> {
    await this.tx.query(
      `INSERT INTO applications (id, tenant_id, uid, name, kind) VALUES ($1, $2, NULL, 'Operational webhooks', 'operational')
       ON CONFLICT (tenant_id) WHERE kind = 'operational' DO NOTHING`,
      [newId('app'), this.tx.tenantId],
    );
    return (await this.findOperational()) as ApplicationEntity;
  }

  async update(
    entity: ApplicationEntity,
    fields: Partial<ApplicationFields>,
  ): Promise<ApplicationEntity> {
    Object.assign(entity, fields, { updatedAt: new Date() });
    return this.repo.save(entity);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id, tenantId: this.tx.tenantId });
    return (result.affected ?? 0) > 0;
  }

  list(filter: ApplicationFilter, page: PageArgs): Promise<Page<ApplicationEntity>> {
    const qb = this.repo
      .createQueryBuilder('a')
      .where('a.tenant_id = :tenantId', { tenantId: this.tx.tenantId })
      .andWhere(`a.kind = 'customer'`);
    if (filter.uid) qb.andWhere('a.uid = :uid', { uid: filter.uid });
    if (filter.name) {
      qb.andWhere(`a.name ILIKE :name ESCAPE '\\'`, { name: `%${escapeLike(filter.name)}%` });
    }
    return paginate(qb, page);
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
