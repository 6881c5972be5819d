import {
  CreateEndpointDocument,
  DeleteEndpointDocument,
  DisableEndpointDocument,
  EnableEndpointDocument,
  GetEndpointDocument,
  GetEndpointSecretDocument,
  GetEndpointStatsDocument,
  ListEndpointsDocument,
  RecoverEndpointDocument,
  RotateEndpointSecretDocument,
  UpdateEndpointDocument,
} from '../generated/operations.generated.js';
import type {
  CreateEndpointInput,
  Endpoint,
  EndpointSecret,
  EndpointStats,
  UpdateEndpointInput,
} from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListEndpointsParams extends PageParams {
  /** `app_` id or uid. */
  application: string;
  disabled?: boolean;
}

export interface RotateSecretOptions {
  /** A `whsec_…` secret of your own; generated when omitted. */
  key?: string;
  /** How long the old secret keeps signing too (the API's default is 24 h). */
  gracePeriodSeconds?: number;
}

/** The URLs of an application that receive webhooks. */
export class Endpoints extends Resource {
  async list(params: ListEndpointsParams): Promise<Page<Endpoint>> {
    const data = await this.execute({
      document: ListEndpointsDocument,
      variables: params,
      safety: 'safe',
    });
    return toPage(data.endpoints);
  }

  listAll(params: ListEndpointsParams): AsyncGenerator<Endpoint, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  async get(id: string): Promise<Endpoint> {
    const data = await this.execute({
      document: GetEndpointDocument,
      variables: { id },
      safety: 'safe',
    });
    return data.endpoint;
  }

  /** Success and failure counts since `since` (default: the last 24 h). */
  async stats(id: string, since?: Date | string): Promise<EndpointStats> {
    const data = await this.execute({
      document: GetEndpointStatsDocument,
      variables: { id, since: since === undefined ? undefined : toIso(since) },
      safety: 'safe',
    });
    return data.endpoint.stats;
  }

  async create(input: CreateEndpointInput): Promise<Endpoint> {
    const data = await this.execute({
      document: CreateEndpointDocument,
      variables: { input },
      safety: 'unsafe',
    });
    return data.createEndpoint;
  }

  async update(id: string, input: UpdateEndpointInput): Promise<Endpoint> {
    const data = await this.execute({
      document: UpdateEndpointDocument,
      variables: { id, input },
      safety: 'safe',
    });
    return data.updateEndpoint;
  }

  /** Deletes the endpoint and cancels its pending deliveries; returns its id. */
  async delete(id: string): Promise<string> {
    const data = await this.execute({
      document: DeleteEndpointDocument,
      variables: { id },
      safety: 'unsafe',
    });
    return data.deleteEndpoint;
  }

  async enable(id: string): Promise<Endpoint> {
    const data = await this.execute({
      document: EnableEndpointDocument,
      variables: { id },
      safety: 'safe',
    });
    return data.enableEndpoint;
  }

  async disable(id: string, reason?: string): Promise<Endpoint> {
    const data = await this.execute({
      document: DisableEndpointDocument,
      variables: { id, reason },
      safety: 'safe',
    });
    return data.disableEndpoint;
  }

  /** The current `whsec_…` signing secret, to configure the receiver's Webhook verifier. */
  async getSecret(id: string): Promise<EndpointSecret> {
    const data = await this.execute({
      document: GetEndpointSecretDocument,
      variables: { id },
      safety: 'safe',
    });
    return data.endpointSecret;
  }

  async rotateSecret(id: string, options: RotateSecretOptions = {}): Promise<EndpointSecret> {
    const data = await this.execute({
      document: RotateEndpointSecretDocument,
      variables: { id, ...options },
      safety: 'unsafe',
    });
    return data.rotateEndpointSecret;
  }

  /** Re-sends every delivery to the endpoint that failed since `since`; returns how many. */
  async recover(id: string, since: Date | string): Promise<number> {
    const data = await this.execute({
      document: RecoverEndpointDocument,
      variables: { id, since: toIso(since) },
      safety: 'unsafe',
    });
    return data.recoverEndpoint;
  }
}

function toIso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}
