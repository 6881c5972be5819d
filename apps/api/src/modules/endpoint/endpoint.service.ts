import {
  ApplicationRepository,
  AttemptRepository,
  DeliveryRepository,
  EndpointRepository,
  type Database,
  type EndpointEntity,
  type EndpointStats,
  type Page,
  type PageArgs,
  type SecretCipher,
} from '@herald/db';
import { NotFoundError, validateEndpointHeaders, ValidationError } from '@herald/domain';
import { generateSecret, parseSecret } from '@herald/signing';
import { findOrThrow as findApplication } from '../application/application.service';
import { optionalText, validateIdArg, validateRateLimit } from '../common/validate';
import type { CreateEndpointInput, UpdateEndpointInput } from './endpoint.input';
import { checkPayloadFilter, validateChannels, validateEventTypeFilter } from './endpoint.validate';
import type { EndpointUrlGuard } from './url-guard';

export interface RevealedSecret {
  key: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export class EndpointService {
  constructor(
    private readonly db: Database,
    private readonly urlGuard: EndpointUrlGuard,
    private readonly cipher: SecretCipher,
    private readonly defaultGraceMs: number,
  ) {}

  async create(tenantId: string, input: CreateEndpointInput): Promise<EndpointEntity> {
    const url = await this.urlGuard.check(input.url);
    const secret = input.secret == null ? generateSecret() : checkSecret(input.secret);
    const fields = {
      url,
      description: optionalText('description', input.description, 1024),
      eventTypes: validateEventTypeFilter(input.eventTypes),
      channels: validateChannels(input.channels),
      payloadFilter: checkPayloadFilter(input.payloadFilter),
      // The same rule for API keys, dashboard sessions and consumer portal sessions.
      headers: validateEndpointHeaders(input.headers),
      rateLimitPerSecond: validateRateLimit('rateLimitPerSecond', input.rateLimitPerSecond),
      fifo: input.fifo ?? false,
    };
    return this.db.withTenant(tenantId, async (tx) => {
      const app = await findApplication(new ApplicationRepository(tx), input.application);
      const repo = new EndpointRepository(tx);
      const endpoint = await repo.create(app.id, fields);
      if (input.disabled) {
        endpoint.disabledAt = new Date();
        endpoint.disabledReason = 'Created disabled';
        await repo.save(endpoint);
      }
      await repo.addSecret(endpoint.id, (secretId) => this.cipher.encrypt(secret, secretId));
      return endpoint;
    });
  }

  async update(tenantId: string, id: string, input: UpdateEndpointInput): Promise<EndpointEntity> {
    const changes: Partial<EndpointEntity> = {};
    if (input.url != null) changes.url = await this.urlGuard.check(input.url);
    if (input.description !== undefined)
      changes.description = optionalText('description', input.description, 1024);
    if (input.eventTypes !== undefined)
      changes.eventTypes = validateEventTypeFilter(input.eventTypes);
    if (input.channels !== undefined) changes.channels = validateChannels(input.channels);
    if (input.payloadFilter !== undefined)
      changes.payloadFilter = checkPayloadFilter(input.payloadFilter);
    if (input.headers !== undefined) changes.headers = validateEndpointHeaders(input.headers);
    if (input.rateLimitPerSecond !== undefined) {
      changes.rateLimitPerSecond = validateRateLimit(
        'rateLimitPerSecond',
        input.rateLimitPerSecond,
      );
    }
    if (input.fifo != null) changes.fifo = input.fifo;
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EndpointRepository(tx);
      const endpoint = await findOrThrow(repo, id);
      Object.assign(endpoint, changes);
      return repo.save(endpoint);
    });
  }

  /** Soft-deletes the endpoint and cancels what it still had to deliver; its logs remain. */
  delete(tenantId: string, id: string): Promise<string> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EndpointRepository(tx);
      const endpoint = await findOrThrow(repo, id);
      await repo.softDelete(endpoint.id);
      await new DeliveryRepository(tx).cancelPending(endpoint.id);
      return endpoint.id;
    });
  }

  setDisabled(
    tenantId: string,
    id: string,
    disabled: boolean,
    reason: string | null,
  ): Promise<EndpointEntity> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EndpointRepository(tx);
      const endpoint = await findOrThrow(repo, id);
      if (disabled && !endpoint.disabledAt) {
        endpoint.disabledAt = new Date();
        endpoint.disabledReason = optionalText('reason', reason, 512) || 'Disabled manually';
      } else if (!disabled) {
        endpoint.disabledAt = null;
        endpoint.disabledReason = null;
      }
      return repo.save(endpoint);
    });
  }

  get(tenantId: string, id: string): Promise<EndpointEntity> {
    return this.db.withTenant(tenantId, (tx) => findOrThrow(new EndpointRepository(tx), id));
  }

  list(
    tenantId: string,
    application: string,
    filter: { disabled?: boolean | null },
    page: PageArgs,
  ): Promise<Page<EndpointEntity>> {
    return this.db.withTenant(tenantId, async (tx) => {
      const app = await findApplication(new ApplicationRepository(tx), application);
      return new EndpointRepository(tx).list(app.id, filter, page);
    });
  }

  /** The current secret, in plaintext. */
  revealSecret(tenantId: string, id: string): Promise<RevealedSecret> {
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EndpointRepository(tx);
      const endpoint = await findOrThrow(repo, id);
      const [current] = await repo.activeSecrets(endpoint.id);
      if (!current) throw new NotFoundError('Endpoint has no active secret');
      return this.decrypt(current);
    });
  }

  /**
   * Rotates the secret: the current one stays valid for the grace period (deliveries carry a
   * signature for each), the new one is returned.
   */
  rotateSecret(
    tenantId: string,
    id: string,
    key: string | null | undefined,
    gracePeriodSeconds: number | null | undefined,
  ): Promise<RevealedSecret> {
    const secret = key == null ? generateSecret() : checkSecret(key, 'key');
    if (
      gracePeriodSeconds != null &&
      (!Number.isInteger(gracePeriodSeconds) ||
        gracePeriodSeconds < 0 ||
        gracePeriodSeconds > 7 * 86400)
    ) {
      throw new ValidationError('gracePeriodSeconds must be between 0 and 604800', {
        field: 'gracePeriodSeconds',
      });
    }
    const graceMs = gracePeriodSeconds == null ? this.defaultGraceMs : gracePeriodSeconds * 1000;
    return this.db.withTenant(tenantId, async (tx) => {
      const repo = new EndpointRepository(tx);
      const endpoint = await findOrThrow(repo, id);
      await repo.expireCurrentSecrets(endpoint.id, new Date(Date.now() + graceMs));
      const created = await repo.addSecret(endpoint.id, (secretId) =>
        this.cipher.encrypt(secret, secretId),
      );
      return { key: secret, createdAt: created.createdAt, expiresAt: null };
    });
  }

  stats(tenantId: string, id: string, since: Date): Promise<EndpointStats> {
    return this.db.withTenant(tenantId, async (tx) => {
      const endpoint = await findOrThrow(new EndpointRepository(tx), id);
      return new AttemptRepository(tx).endpointStats(endpoint.id, since);
    });
  }

  private decrypt(row: {
    id: string;
    ciphertext: Buffer;
    createdAt: Date;
    expiresAt: Date | null;
  }): RevealedSecret {
    return {
      key: this.cipher.decrypt(row.ciphertext, row.id),
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }
}

async function findOrThrow(repo: EndpointRepository, id: string): Promise<EndpointEntity> {
  validateIdArg('id', id, 'ep');
  const endpoint = await repo.findById(id);
  if (!endpoint) throw new NotFoundError(`Endpoint ${id} not found`);
  return endpoint;
}

function checkSecret(secret: string, field = 'secret'): string {
  try {
    parseSecret(secret);
  } catch (error) {
    throw new ValidationError(`${field}: ${(error as Error).message}`, { field });
  }
  if (!secret.startsWith('whsec_')) {
    throw new ValidationError(`${field} must start with whsec_`, { field });
  }
  return secret;
}
