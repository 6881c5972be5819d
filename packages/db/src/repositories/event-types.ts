import { newId } from '@herald/domain';
import { In, IsNull } from 'typeorm';
import type { TenantTx } from '../database';
import { EventTypeEntity } from '../entities';
import { paginate, type Page, type PageArgs } from './pagination';

export type EventTypeFields = Pick<EventTypeEntity, 'name' | 'description' | 'schema' | 'example'>;

export class EventTypeRepository {
  constructor(private readonly tx: TenantTx) {}

  private get repo() {
    return this.tx.manager.getRepository(EventTypeEntity);
  }

  create(fields: EventTypeFields): Promise<EventTypeEntity> {
    return this.repo.save(
      this.repo.create({ ...fields, id: newId('et'), tenantId: this.tx.tenantId }),
    );
  }

  findById(id: string): Promise<EventTypeEntity | null> {
    return this.repo.findOneBy({ id, tenantId: this.tx.tenantId });
  }

  findByName(name: string): Promise<EventTypeEntity | null> {
    return this.repo.findOneBy({ name, tenantId: this.tx.tenantId });
  }

  findByNames(names: string[]): Promise<EventTypeEntity[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ name: In(names), tenantId: this.tx.tenantId });
  }

  /** Event types that are not archived, by name — what publishing may use. */
  findActiveByNames(names: string[]): Promise<EventTypeEntity[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ name: In(names), tenantId: this.tx.tenantId, archivedAt: IsNull() });
  }

  save(entity: EventTypeEntity): Promise<EventTypeEntity> {
    entity.updatedAt = new Date();
    return this.repo.save(entity);
  }

  list(
    filter: { includeArchived?: boolean | null; namePrefix?: string | null },
    page: PageArgs,
  ): Promise<Page<EventTypeEntity>> {
    const qb = this.repo
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
    if (!filter.includeArchived) qb.andWhere('e.archived_at IS NULL');
    if (filter.namePrefix) {
      qb.andWhere('starts_with(e.name, :prefix)', { prefix: filter.namePrefix });
    }
    return paginate(qb, page);
  }
}
