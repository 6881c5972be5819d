export { Herald, DEFAULT_BASE_URL, type HeraldOptions } from './client.js';
export type { FetchFunction } from './http/transport.js';
export {
  HeraldError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ValidationError,
  ConflictError,
  PlanLimitError,
  BadRequestError,
  PayloadTooLargeError,
  RateLimitError,
  ServerError,
  ConnectionError,
  TimeoutError,
  type HeraldErrorInit,
} from './errors.js';
export type * from './models.js';
export type { Page, PageParams } from './pagination.js';
export type { ListApplicationsParams } from './resources/applications.js';
export type { ListEventTypesParams } from './resources/event-types.js';
export type { ListEndpointsParams, RotateSecretOptions } from './resources/endpoints.js';
export type {
  ListMessagesParams,
  SendMessageResult,
  SendMessagesResult,
} from './resources/messages.js';
export type { ListDeliveriesParams } from './resources/deliveries.js';
export type { ListAttemptsParams } from './resources/attempts.js';
export type { ListApiKeysParams, CreatedApiKey } from './resources/api-keys.js';
export {
  Webhook,
  DEFAULT_TOLERANCE_SEC,
  type WebhookBody,
  type WebhookOptions,
  type VerifyOptions,
  type VerifiedWebhook,
  type VerifiedJsonWebhook,
  type FetchRequestLike,
} from './webhooks/webhook.js';
export {
  WebhookVerificationError,
  MissingHeadersError,
  InvalidHeadersError,
  InvalidSignatureError,
  TimestampTooOldError,
  TimestampTooNewError,
  InvalidSecretError,
  type WebhookVerificationErrorCode,
} from './webhooks/errors.js';
export type { HeadersInput, HeaderValue } from './webhooks/headers.js';
export type { WebhookSecret } from './webhooks/secret.js';
export { readRawBody } from './webhooks/raw-body.js';
