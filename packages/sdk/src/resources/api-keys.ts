import {
  CreateApiKeyDocument,
  ListApiKeysDocument,
  RevokeApiKeyDocument,
} from '../generated/operations.generated.js';
import type { ApiKey, CreateApiKeyInput } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListApiKeysParams extends PageParams {
  includeRevoked?: boolean;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The secret `hk_…` key. Shown once: store it now. */
  key: string;
}

export class ApiKeys extends Resource {
  async list(params: ListApiKeysParams = {}): Promise<Page<ApiKey>> {
    const data = await this.execute({
      document: ListApiKeysDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.apiKeys);
  }

  listAll(params: ListApiKeysParams = {}): AsyncGenerator<ApiKey, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const data = await this.execute({
      document: CreateApiKeyDocument,
      variables: { input },
      safety: 'unsafe',
    });
    return data.createApiKey;
  }

  async revoke(id: string): Promise<ApiKey> {
    const data = await this.execute({
      document: RevokeApiKeyDocument,
      variables: { id },
      safety: 'safe',
    });
    return data.revokeApiKey;
  }
}
