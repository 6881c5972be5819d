/**
 * The public names of what the API returns and accepts. They alias the generated types, so they
 * follow schema.graphql through `npm run codegen` while callers never import from generated code.
 */
import type {
  ApiKeyFieldsFragment,
  ApplicationFieldsFragment,
  AttemptFieldsFragment,
  DeliveryFieldsFragment,
  EndpointFieldsFragment,
  EndpointSecretFieldsFragment,
  EventTypeFieldsFragment,
  GetEndpointStatsQuery,
  GetMessageQuery,
  MessageFieldsFragment,
} from './generated/operations.generated.js';

export type {
  AttemptStatus,
  AttemptTrigger,
  CreateApiKeyInput,
  CreateApplicationInput,
  CreateEndpointInput,
  CreateEventTypeInput,
  DeliveryStatus,
  Role,
  SendMessageInput,
  UpdateApplicationInput,
  UpdateEndpointInput,
  UpdateEventTypeInput,
} from './generated/operations.generated.js';

export type ApiKey = ApiKeyFieldsFragment;
export type Application = ApplicationFieldsFragment;
export type Attempt = AttemptFieldsFragment;
export type Delivery = DeliveryFieldsFragment;
export type Endpoint = EndpointFieldsFragment;
export type EndpointSecret = EndpointSecretFieldsFragment;
export type EndpointStats = GetEndpointStatsQuery['endpoint']['stats'];
export type EventType = EventTypeFieldsFragment;
export type Message = MessageFieldsFragment;
export type MessageWithDeliveries = GetMessageQuery['message'];
