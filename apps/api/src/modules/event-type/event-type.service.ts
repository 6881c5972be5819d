import {
  EventTypeRepository,
  type Database,
  type EventTypeEntity,
  type Page,
  type PageArgs,
} from '@herald/db';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  validateEventTypeName,
} from '@herald/domain';
import { assertJsonDepth } from '../common/json';
import { checkName, optionalText } from '../common/validate';
import type { CreateEventTypeInput, UpdateEventTypeInput } from './event-type.input';
import type { JsonSchemaValidator } from './json-schema';

const MAX_EXAMPLE_BYTES = 64 * 1024;

export class EventTypeService {
  constructor(
    private readonly db: Database,
    private readonly schemas: JsonSchemaValidator,
  ) {}

  create(tenantId: string, input: CreateEventTypeInput): Promise<EventTypeEntity> {
    checkName(validateEventTypeName, 'name', input.name);
    const schema = input.schema ?? null;
    if (schema) this.schemas.check(schema);
    this.checkExample(schema, input.example);
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EventTypeRepository(tx);
      if (await repo.findByName(input.name)) {
        throw new ConflictError(`Event type ${input.name} already exists`, { field: 'name' });
      }
      return repo.create({
        name: input.name,
        description: optionalText('description', input.description, 4096),
        schema,
        example: input.example ?? null,
      });
    });
  }

  update(tenantId: string, name: string, input: UpdateEventTypeInput): Promise<EventTypeEntity> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EventTypeRepository(tx);
      const eventType = await findOrThrow(repo, name);
      if (input.description !== undefined) {
        eventType.description = optionalText('description', input.description, 4096);
      }
      if (input.schema !== undefined) {
        if (input.schema) this.schemas.check(input.schema);
        eventType.schema = input.schema;
      }
      if (input.example !== undefined) eventType.example = input.example;
      this.checkExample(eventType.schema, eventType.example);
      return repo.save(eventType);
    });
  }

  setArchived(tenantId: string, name: string, archived: boolean): Promise<EventTypeEntity> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EventTypeRepository(tx);
      const eventType = await findOrThrow(repo, name);
      eventType.archivedAt = archived ? (eventType.archivedAt ?? new Date()) : null;
      return repo.save(eventType);
    });
  }

  get(tenantId: string, name: string): Promise<EventTypeEntity> {
    return this.db.withTenant(tenantId, (tx) => findOrThrow(new EventTypeRepository(tx), name));
  }

  list(
    tenantId: string,
    filter: { includeArchived?: boolean | null; namePrefix?: string | null },
    page: PageArgs,
  ): Promise<Page<EventTypeEntity>> {
    return this.db.withTenant(tenantId, (tx) => new EventTypeRepository(tx).list(filter, page));
  }

  private checkExample(schema: Record<string, unknown> | null, example: unknown): void {
    if (example == null) return;
    assertJsonDepth(example, 'example');
    if (JSON.stringify(example).length > MAX_EXAMPLE_BYTES) {
      throw new ValidationError(`example must be at most ${MAX_EXAMPLE_BYTES} bytes`, {
        field: 'example',
      });
    }
    if (!schema) return;
    const problems = this.schemas.validate(`check:${JSON.stringify(schema)}`, schema, example);
    if (problems) {
      throw new ValidationError(`example does not match the schema: ${problems}`, {
        field: 'example',
      });
    }
  }
}

/** Event types are addressed by name (stable, tenant-chosen) or by et_ id. */
async function findOrThrow(repo: EventTypeRepository, nameOrId: string): Promise<EventTypeEntity> {
  if (typeof nameOrId !== 'string' || nameOrId.length === 0 || nameOrId.length > 256) {
    throw new ValidationError('event type must be a name or et_ id', { field: 'name' });
  }
  const found = nameOrId.startsWith('et_')
    ? await repo.findById(nameOrId)
    : await repo.findByName(nameOrId);
  if (!found) throw new NotFoundError(`Event type ${nameOrId} not found`);
  return found;
}
