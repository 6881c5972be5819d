import {
  GetMessageDocument,
  ListMessagesDocument,
  ResendMessageDocument,
  SendMessageDocument,
  SendMessagesDocument,
} from '../generated/operations.generated.js';
import type { Delivery, Message, MessageWithDeliveries, SendMessageInput } from '../models.js';
import { iterateAll, toPage, type Page, type PageParams } from '../pagination.js';
import { Resource } from './resource.js';

export interface ListMessagesParams extends PageParams {
  /** `app_` id or uid. */
  application: string;
  eventTypes?: string[];
  channel?: string;
  /** Inclusive. */
  since?: Date | string;
  /** Exclusive. */
  until?: Date | string;
}

export interface SendMessageResult {
  message: Message;
  /** True when the idempotency key (or eventId) was seen before: nothing new was created. */
  duplicate: boolean;
}

export interface SendMessagesResult {
  results: SendMessageResult[];
  createdCount: number;
  duplicateCount: number;
  deliveryCount: number;
}

/** Events sent to an application, fanned out to its matching endpoints. */
export class Messages extends Resource {
  /**
   * Publishes one event. Without an `idempotencyKey` a random one is set, so a retry after a lost
   * response returns the stored message instead of sending the event twice.
   */
  async send(input: SendMessageInput): Promise<SendMessageResult> {
    const data = await this.execute({
      document: SendMessageDocument,
      variables: { input: withIdempotencyKey(input) },
      safety: 'safe',
    });
    return data.sendMessage;
  }

  /** Publishes up to 1,000 events atomically, each with an idempotency key as in `send`. */
  async sendBatch(messages: SendMessageInput[]): Promise<SendMessagesResult> {
    const data = await this.execute({
      document: SendMessagesDocument,
      variables: { input: { messages: messages.map(withIdempotencyKey) } },
      safety: 'safe',
    });
    return data.sendMessages;
  }

  /** Newest first. */
  async list(params: ListMessagesParams): Promise<Page<Message>> {
    const { since, until, ...rest } = params;
    const data = await this.execute({
      document: ListMessagesDocument,
      variables: { ...rest, since: toIso(since), until: toIso(until) },
      safety: 'safe',
    });
    return toPage(data.messages);
  }

  listAll(params: ListMessagesParams): AsyncGenerator<Message, void, undefined> {
    return iterateAll((page) => this.list(page), params);
  }

  /** The message with one delivery per endpoint it was routed to. */
  async get(id: string): Promise<MessageWithDeliveries> {
    const data = await this.execute({
      document: GetMessageDocument,
      variables: { id },
      safety: 'safe',
    });
    return data.message;
  }

  /** Sends the message to the endpoint once more, now. */
  async resend(messageId: string, endpointId: string): Promise<Delivery> {
    const data = await this.execute({
      document: ResendMessageDocument,
      variables: { messageId, endpointId },
      safety: 'unsafe',
    });
    return data.resendMessage;
  }
}

function withIdempotencyKey(input: SendMessageInput): SendMessageInput {
  // An eventId is deduplicated by the API like a key, but a key is still added: both are honoured.
  if (input.idempotencyKey) return input;
  return { ...input, idempotencyKey: globalThis.crypto.randomUUID() };
}

function toIso(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
