import {
  ApplicationRepository,
  AttemptRepository,
  EndpointRepository,
  MessageRepository,
  PublishRepository,
  RetentionRepository,
  TenantSettingsRepository,
  idempotencySlot,
  type AttemptEntity,
  type Database,
  type DeliveryEntity,
  type DeliveryStatus,
  type MessageEntity,
  type NewDeliveryRow,
  type NewMessageRow,
  type Page,
  type PageArgs,
  type PublishTargets,
  type StoredMessageRow,
  type TenantTx,
} from '@herald/db';
import {
  monthlyMessageQuota,
  type LimitsConfig,
  type PlanId,
  type PlanLimits,
} from '@herald/config';
import { noDispatcher, type DeliveryHandOff } from '@herald/temporal';
import {
  matchesEndpoint,
  createIdFactory,
  NotFoundError,
  PlanLimitExceededError,
  validateEventTypeName,
  ValidationError,
  type PayloadFilter,
} from '@herald/domain';
import { validateChannels } from '../endpoint/endpoint.validate';
import type { SchemaPool } from '../event-type/schema-pool';
import { assertJsonDepth } from '../common/json';
import { checkName, checkTime, validateIdArg } from '../common/validate';
import type { SendMessageInput } from './message.input';

/** Called after a publish commits, with the deliveries it created (the Temporal hand-off). */
export interface SendResult {
  message: MessageEntity;
  duplicate: boolean;
  deliveryCount: number;
}

interface PreparedMessage {
  index: number;
  applicationRef: string;
  eventType: string;
  eventId: string | null;
  channels: string[] | null;
  payload: Record<string, unknown>;
  payloadJson: string;
  dedupeKey: string | null;
}

const MAX_KEY_LENGTH = 256;

/**
 * Strictly increasing ids within this process, so messages of one batch (same millisecond) keep
 * their order: FIFO endpoints deliver in id order.
 */
const nextId = createIdFactory();

export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly schemas: SchemaPool,
    private readonly limits: LimitsConfig,
    private readonly plans: PlanLimits,
    private readonly dispatcher: DeliveryHandOff = noDispatcher,
  ) {}

  /**
   * Stores messages and their deliveries in one transaction: all or nothing. Validation that
   * needs no database runs before the transaction opens.
   */
  async send(
    tenantId: string,
    inputs: SendMessageInput[],
    options: { traceparent?: string | null } = {},
  ): Promise<SendResult[]> {
    if (inputs.length === 0)
      throw new ValidationError('Send at least one message', { field: 'messages' });
    if (inputs.length > this.limits.maxBatchSize) {
      throw new ValidationError(`At most ${this.limits.maxBatchSize} messages per batch`, {
        field: 'messages',
      });
    }
    const prepared = inputs.map((input, index) => this.prepare(input, index, inputs.length > 1));
    const createdAt = new Date();

    const { results, deliveries } = await this.db.withTenantSql(tenantId, async (tx) => {
      const repo = new PublishRepository(tx);
      const targets = await repo.targets(
        [...new Set(prepared.map((p) => p.applicationRef))],
        [...new Set(prepared.map((p) => p.eventType))],
      );
      const apps = applicationsByRef(prepared, targets);
      await this.validateAgainstSchemas(prepared, targets);

      const ids = prepared.map(() => nextId('msg'));
      const claimed = await repo.claimIdempotencyKeys(
        claimsOf(prepared, apps, ids),
        this.limits.idempotencyWindowMs,
      );

      const fresh: NewMessageRow[] = [];
      const results: (SendResult | { duplicateOf: string })[] = [];
      const firstOfKey = new Map<string, number>();
      for (const p of prepared) {
        const appId = apps.get(p.applicationRef) as string;
        const slot = p.dedupeKey ? idempotencySlot(appId, p.dedupeKey) : null;
        const existing = slot ? claimed.get(slot) : undefined;
        if (existing) {
          results.push({ duplicateOf: existing });
          continue;
        }
        if (slot) {
          // A key repeated inside one batch: the later ones are duplicates of the first.
          const first = firstOfKey.get(slot);
          if (first !== undefined) {
            results.push({ duplicateOf: ids[first] });
            continue;
          }
          firstOfKey.set(slot, p.index);
        }
        const row: NewMessageRow = {
          id: ids[p.index],
          applicationId: appId,
          eventType: p.eventType,
          eventId: p.eventId,
          payloadJson: p.payloadJson,
          channels: p.channels,
          traceContext: options.traceparent ?? null,
        };
        fresh.push(row);
        results.push({
          message: {
            id: row.id,
            tenantId,
            applicationId: appId,
            eventType: p.eventType,
            eventId: p.eventId,
            payload: p.payload,
            payloadExpungedAt: null,
            channels: p.channels,
            createdAt,
          },
          duplicate: false,
          deliveryCount: 0,
        });
      }

      await this.enforceQuota(repo, targets.plan, fresh.length);
      const deliveries = fanOut(fresh, prepared, ids, targets.endpoints);
      await repo.insert(fresh, deliveries, createdAt);
      const perMessage = countBy(deliveries, (d) => d.messageId);

      const originals = await repo.messagesByIds(
        results
          .flatMap((r) => ('duplicateOf' in r ? [r.duplicateOf] : []))
          .filter((id) => !ids.includes(id)),
      );
      const byId = new Map(originals.map((m) => [m.id, toMessageEntity(tenantId, m)]));
      const freshById = new Map(
        results.flatMap((r) => ('message' in r ? [[r.message.id, r.message] as const] : [])),
      );
      const final: SendResult[] = results.map((r) => {
        if ('message' in r) return { ...r, deliveryCount: perMessage.get(r.message.id) ?? 0 };
        const original = byId.get(r.duplicateOf) ?? freshById.get(r.duplicateOf);
        if (!original)
          throw new Error(`Idempotency key points at missing message ${r.duplicateOf}`);
        return { message: original, duplicate: true, deliveryCount: 0 };
      });
      return { results: final, deliveries };
    });

    if (deliveries.length > 0) {
      this.dispatcher.dispatch(
        tenantId,
        deliveries.map((d) => ({
          deliveryId: d.id,
          messageId: d.messageId,
          endpointId: d.endpointId,
        })),
      );
    }
    return results;
  }

  /** Deletes a message's payload now (it keeps its deliveries and attempts); idempotent. */
  async expungePayload(tenantId: string, id: string): Promise<MessageEntity> {
    validateIdArg('id', id, 'msg');
    return this.db.withTenant(tenantId, async (tx) => {
      if (!(await new RetentionRepository(tx).expungeMessage(id))) {
        throw new NotFoundError(`Message ${id} not found`);
      }
      return (await new MessageRepository(tx).findById(id))!;
    });
  }

  /** Days a payload is kept before the scheduled expunge removes it. */
  async payloadRetentionDays(tenantId: string): Promise<number> {
    return this.db.withTenant(tenantId, async (tx) => {
      const days = await new TenantSettingsRepository(tx).payloadRetentionDays();
      if (days === null) throw new NotFoundError('Tenant not found');
      return days;
    });
  }

  async setPayloadRetentionDays(tenantId: string, days: number): Promise<number> {
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new ValidationError('days must be a whole number from 1 to 3650', { field: 'days' });
    }
    await this.db.withTenant(tenantId, (tx) =>
      new TenantSettingsRepository(tx).setPayloadRetentionDays(days),
    );
    return days;
  }

  get(tenantId: string, id: string): Promise<MessageEntity> {
    validateIdArg('id', id, 'msg');
    return this.db.withTenant(tenantId, async (tx) => {
      const message = await new MessageRepository(tx).findById(id);
      if (!message) throw new NotFoundError(`Message ${id} not found`);
      return message;
    });
  }

  list(
    tenantId: string,
    application: string,
    filter: {
      eventTypes?: string[] | null;
      channel?: string | null;
      since?: Date | null;
      until?: Date | null;
    },
    page: PageArgs,
  ): Promise<Page<MessageEntity>> {
    if (filter.since) checkTime('since', filter.since);
    if (filter.until) checkTime('until', filter.until);
    return this.db.withTenant(tenantId, async (tx) => {
      const app = await new ApplicationRepository(tx).findByIdOrUid(application);
      if (!app) throw new NotFoundError(`Application ${application} not found`);
      return new MessageRepository(tx).list({ applicationId: app.id, ...filter }, page);
    });
  }

  /** Deliveries of several messages in one query; every id gets a list (maybe empty). */
  async deliveriesOfMany(
    tenantId: string,
    messageIds: string[],
  ): Promise<Map<string, DeliveryEntity[]>> {
    const rows = await this.db.withTenant(tenantId, (tx) =>
      new MessageRepository(tx).deliveriesOfMany(messageIds),
    );
    const byMessage = new Map<string, DeliveryEntity[]>(messageIds.map((id) => [id, []]));
    for (const row of rows) byMessage.get(row.messageId)?.push(row);
    return byMessage;
  }

  deliveriesOf(tenantId: string, messageId: string): Promise<DeliveryEntity[]> {
    return this.db.withTenant(tenantId, (tx) => new MessageRepository(tx).deliveriesOf(messageId));
  }

  listDeliveries(
    tenantId: string,
    filter: {
      messageId?: string | null;
      endpointId?: string | null;
      status?: DeliveryStatus | null;
    },
    page: PageArgs,
  ): Promise<Page<DeliveryEntity>> {
    requireScope(filter);
    return this.db.withTenant(tenantId, async (tx) => {
      await ensureScopeExists(tx, filter);
      return new MessageRepository(tx).listDeliveries(filter, page);
    });
  }

  listAttempts(
    tenantId: string,
    filter: {
      messageId?: string | null;
      endpointId?: string | null;
      status?: 'SUCCEEDED' | 'FAILED' | null;
    },
    page: PageArgs,
  ): Promise<Page<AttemptEntity>> {
    requireScope(filter);
    return this.db.withTenant(tenantId, async (tx) => {
      await ensureScopeExists(tx, filter);
      return new AttemptRepository(tx).list(filter, page);
    });
  }

  private prepare(input: SendMessageInput, index: number, batch: boolean): PreparedMessage {
    const at = (field: string) => (batch ? `messages.${index}.${field}` : field);
    if (
      typeof input.application !== 'string' ||
      input.application.length === 0 ||
      input.application.length > 256
    ) {
      throw new ValidationError('application must be an app_ id or uid', {
        field: at('application'),
      });
    }
    checkName(validateEventTypeName, at('eventType'), input.eventType);
    const payload = input.payload;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new ValidationError('payload must be a JSON object', { field: at('payload') });
    }
    assertJsonDepth(payload, at('payload'));
    // NUL characters and lone surrogates pass JSON but not jsonb; PostgreSQL's refusal is
    // answered as BAD_USER_INPUT (graphql/errors.ts) and the whole transaction rolls back.
    const payloadJson = JSON.stringify(payload);
    const size = Buffer.byteLength(payloadJson);
    if (size > this.limits.maxPayloadBytes) {
      throw new ValidationError(
        `payload is ${size} bytes; the limit is ${this.limits.maxPayloadBytes}`,
        { field: at('payload'), details: { size, limit: this.limits.maxPayloadBytes } },
      );
    }
    for (const [field, value] of [
      ['idempotencyKey', input.idempotencyKey],
      ['eventId', input.eventId],
    ] as const) {
      if (value != null && (value.length === 0 || value.length > MAX_KEY_LENGTH)) {
        throw new ValidationError(`${field} must be 1–${MAX_KEY_LENGTH} characters`, {
          field: at(field),
        });
      }
    }
    return {
      index,
      applicationRef: input.application,
      eventType: input.eventType,
      eventId: input.eventId ?? null,
      channels: validateChannels(input.channels, at('channels')),
      payload,
      payloadJson,
      // An eventId deduplicates like an idempotency key, in its own namespace.
      dedupeKey:
        input.idempotencyKey != null
          ? `k:${input.idempotencyKey}`
          : input.eventId != null
            ? `e:${input.eventId}`
            : null,
    };
  }

  /** Free-plan tenants stop at their monthly quota; the refused request stores nothing. */
  private async enforceQuota(repo: PublishRepository, plan: PlanId, adding: number): Promise<void> {
    const quota = monthlyMessageQuota(plan, this.plans);
    if (quota === null || adding === 0) return;
    const usage = await repo.lockAndCountMonthlyMessages();
    if (usage + adding > quota) {
      const now = new Date();
      throw new PlanLimitExceededError(
        `The ${plan} plan allows ${quota} messages a month; ${usage} were sent and this request adds ${adding}. Upgrade, or wait for the reset.`,
        {
          quota,
          usage,
          resetAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
          metric: 'messages_per_month',
        },
      );
    }
  }

  /** Off the event loop and under a time budget (SchemaPool): tenant schemas are hostile input. */
  private async validateAgainstSchemas(
    prepared: PreparedMessage[],
    targets: PublishTargets,
  ): Promise<void> {
    if (targets.schemas.length === 0) return;
    const byName = new Map(targets.schemas.map((r) => [r.name, r]));
    const checked = prepared.flatMap((p) => {
      const eventType = byName.get(p.eventType);
      return eventType ? [{ p, eventType }] : [];
    });
    if (checked.length === 0) return;
    const verdicts = await this.schemas.validate(
      checked.map(({ p, eventType }) => ({
        cacheKey: `${eventType.id}@${new Date(eventType.updated_at).getTime()}`,
        schema: eventType.schema,
        payload: p.payload,
      })),
    );
    checked.forEach(({ p }, i) => {
      const verdict = verdicts[i];
      const field = prepared.length > 1 ? `messages.${p.index}.payload` : 'payload';
      if ('unusable' in verdict) throw new ValidationError(verdict.unusable, { field: 'schema' });
      if (verdict.problems) {
        throw new ValidationError(
          `payload does not match the ${p.eventType} schema: ${verdict.problems}`,
          { field },
        );
      }
    });
  }
}

/** Maps each application reference (app_ id or uid) to its id; NOT_FOUND for any unknown one. */
function applicationsByRef(
  prepared: PreparedMessage[],
  targets: PublishTargets,
): Map<string, string> {
  const byRef = new Map<string, string>();
  for (const app of targets.applications) {
    byRef.set(app.id, app.id);
    if (app.uid) byRef.set(app.uid, app.id);
  }
  const missing = prepared.find((p) => !byRef.has(p.applicationRef));
  if (missing) throw new NotFoundError(`Application ${missing.applicationRef} not found`);
  return byRef;
}

function claimsOf(prepared: PreparedMessage[], apps: Map<string, string>, ids: string[]) {
  const seen = new Set<string>();
  const claims: { applicationId: string; key: string; messageId: string }[] = [];
  for (const p of prepared) {
    if (!p.dedupeKey) continue;
    const applicationId = apps.get(p.applicationRef) as string;
    const slot = idempotencySlot(applicationId, p.dedupeKey);
    if (seen.has(slot)) continue;
    seen.add(slot);
    claims.push({ applicationId, key: p.dedupeKey, messageId: ids[p.index] });
  }
  return claims;
}

function toMessageEntity(tenantId: string, row: StoredMessageRow): MessageEntity {
  return {
    id: row.id,
    tenantId,
    applicationId: row.application_id,
    eventType: row.event_type,
    eventId: row.event_id,
    payload: row.payload,
    channels: row.channels,
    createdAt: new Date(row.created_at),
    payloadExpungedAt: row.payload_expunged_at ? new Date(row.payload_expunged_at) : null,
  };
}

function fanOut(
  fresh: NewMessageRow[],
  prepared: PreparedMessage[],
  ids: string[],
  endpoints: PublishTargets['endpoints'],
): NewDeliveryRow[] {
  if (fresh.length === 0 || endpoints.length === 0) return [];
  const byApp = new Map<string, PublishTargets['endpoints']>();
  for (const e of endpoints)
    byApp.set(e.application_id, [...(byApp.get(e.application_id) ?? []), e]);
  const payloadOf = new Map(prepared.map((p) => [ids[p.index], p.payload]));
  const deliveries: NewDeliveryRow[] = [];
  for (const message of fresh) {
    for (const endpoint of byApp.get(message.applicationId) ?? []) {
      const routed = matchesEndpoint(
        {
          eventTypes: endpoint.event_types,
          channels: endpoint.channels,
          payloadFilter: endpoint.payload_filter as PayloadFilter | null,
        },
        {
          eventType: message.eventType,
          channels: message.channels,
          payload: payloadOf.get(message.id),
        },
      );
      if (routed) {
        deliveries.push({
          id: nextId('dlv'),
          applicationId: message.applicationId,
          messageId: message.id,
          endpointId: endpoint.id,
        });
      }
    }
  }
  return deliveries;
}

function requireScope(filter: { messageId?: string | null; endpointId?: string | null }): void {
  if (!filter.messageId && !filter.endpointId) {
    throw new ValidationError('Give messageId or endpointId', { field: 'messageId' });
  }
  if (filter.messageId) validateIdArg('messageId', filter.messageId, 'msg');
  if (filter.endpointId) validateIdArg('endpointId', filter.endpointId, 'ep');
}

/** Distinguishes "not yours / doesn't exist" (NOT_FOUND) from "exists, nothing yet" (empty list). */
async function ensureScopeExists(
  tx: TenantTx,
  filter: { messageId?: string | null; endpointId?: string | null },
) {
  if (filter.messageId && !(await new MessageRepository(tx).findById(filter.messageId))) {
    throw new NotFoundError(`Message ${filter.messageId} not found`);
  }
  if (filter.endpointId) {
    if (!(await new EndpointRepository(tx).exists(filter.endpointId)))
      throw new NotFoundError(`Endpoint ${filter.endpointId} not found`);
  }
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
