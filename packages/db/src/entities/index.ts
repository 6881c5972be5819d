import { ApiKeyEntity } from './api-key.entity';
import { ApplicationEntity } from './application.entity';
import { AttemptEntity } from './attempt.entity';
import { DeliveryEntity } from './delivery.entity';
import { EndpointSecretEntity } from './endpoint-secret.entity';
import { EndpointEntity } from './endpoint.entity';
import { EventTypeEntity } from './event-type.entity';
import { MemberEntity } from './member.entity';
import { MessageEntity } from './message.entity';
import { SessionEntity } from './session.entity';
import { TenantEntity } from './tenant.entity';
import { UserEntity } from './user.entity';

export {
  ApiKeyEntity,
  ApplicationEntity,
  AttemptEntity,
  DeliveryEntity,
  EndpointEntity,
  EndpointSecretEntity,
  EventTypeEntity,
  MemberEntity,
  MessageEntity,
  SessionEntity,
  TenantEntity,
  UserEntity,
};
export * from './attempt.entity';
export * from './delivery.entity';

export const ENTITIES = [
  TenantEntity,
  UserEntity,
  MemberEntity,
  SessionEntity,
  ApiKeyEntity,
  ApplicationEntity,
  EventTypeEntity,
  EndpointEntity,
  EndpointSecretEntity,
  MessageEntity,
  DeliveryEntity,
  AttemptEntity,
];
