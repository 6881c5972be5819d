import {
  ApplicationRepository,
  type ApplicationEntity,
  type Database,
  type Page,
  type PageArgs,
} from '@herald/db';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  validateApplicationUid,
} from '@herald/domain';
import {
  checkName,
  requireText,
  validateIdArg,
  validateMetadata,
  validateRateLimit,
} from '../common/validate';
import type { CreateApplicationInput, UpdateApplicationInput } from './application.input';

export class ApplicationService {
  constructor(private readonly db: Database) {}

  create(tenantId: string, input: CreateApplicationInput): Promise<ApplicationEntity> {
    const fields = {
      name: requireText('name', input.name),
      uid: checkUid(input.uid),
      rateLimitPerSecond: validateRateLimit('rateLimitPerSecond', input.rateLimitPerSecond),
      metadata: validateMetadata(input.metadata),
    };
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new ApplicationRepository(tx);
      if (fields.uid && (await repo.findByUid(fields.uid))) {
        throw new ConflictError(`An application with uid "${fields.uid}" already exists`, {
          field: 'uid',
        });
      }
      return repo.create(fields);
    });
  }

  update(
    tenantId: string,
    idOrUid: string,
    input: UpdateApplicationInput,
  ): Promise<ApplicationEntity> {
    const changes: Partial<ApplicationEntity> = {};
    if (input.name !== undefined) changes.name = requireText('name', input.name);
    if (input.uid !== undefined) changes.uid = checkUid(input.uid);
    if (input.rateLimitPerSecond !== undefined) {
      changes.rateLimitPerSecond = validateRateLimit(
        'rateLimitPerSecond',
        input.rateLimitPerSecond,
      );
    }
    if (input.metadata !== undefined) changes.metadata = validateMetadata(input.metadata);
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new ApplicationRepository(tx);
      const app = await findOrThrow(repo, idOrUid);
      if (changes.uid && changes.uid !== app.uid && (await repo.findByUid(changes.uid))) {
        throw new ConflictError(`An application with uid "${changes.uid}" already exists`, {
          field: 'uid',
        });
      }
      return repo.update(app, changes);
    });
  }

  delete(tenantId: string, idOrUid: string): Promise<string> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new ApplicationRepository(tx);
      const app = await findOrThrow(repo, idOrUid);
      await repo.delete(app.id);
      return app.id;
    });
  }

  get(tenantId: string, idOrUid: string): Promise<ApplicationEntity> {
    return this.db.withTenant(tenantId, (tx) =>
      findOrThrow(new ApplicationRepository(tx), idOrUid),
    );
  }

  getById(tenantId: string, id: string): Promise<ApplicationEntity> {
    validateIdArg('id', id, 'app');
    return this.db.withTenant(tenantId, async (tx) => {
      const app = await new ApplicationRepository(tx).findById(id);
      if (!app) throw new NotFoundError(`Application ${id} not found`);
      return app;
    });
  }

  /**
   * The tenant's operational-webhooks application (created on first call): add endpoints to it
   * to receive endpoint.disabled and message.attempt.* events about your own deliveries.
   */
  enableOperational(tenantId: string): Promise<ApplicationEntity> {
    return this.db.withTenant(tenantId, (tx) => new ApplicationRepository(tx).ensureOperational());
  }

  findOperational(tenantId: string): Promise<ApplicationEntity | null> {
    return this.db.withTenant(tenantId, (tx) => new ApplicationRepository(tx).findOperational());
  }

  list(
    tenantId: string,
    filter: { uid?: string | null; name?: string | null },
    page: PageArgs,
  ): Promise<Page<ApplicationEntity>> {
    return this.db.withTenant(tenantId, (tx) => new ApplicationRepository(tx).list(filter, page));
  }
}

export async function findOrThrow(
  repo: ApplicationRepository,
  idOrUid: string,
): Promise<ApplicationEntity> {
  if (typeof idOrUid !== 'string' || idOrUid.length === 0 || idOrUid.length > 256) {
    throw new ValidationError('application must be an app_ id or a uid', { field: 'application' });
  }
  const app = await repo.findByIdOrUid(idOrUid);
  if (!app) throw new NotFoundError(`Application ${idOrUid} not found`);
  return app;
}

function checkUid(uid: string | null | undefined): string | null {
  if (uid == null) return null;
  return checkName(validateApplicationUid, 'uid', uid);
}
