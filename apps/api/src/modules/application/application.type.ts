import type { ApplicationEntity } from '@herald/db';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONObjectScalar } from '../common/scalars';
import { ConnectionType } from '../common/connection';

@ObjectType({ description: "One of the tenant's customers: owns endpoints and messages." })
export class Application {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "The tenant's own id for this customer." })
  uid!: string | null;
  @Field() name!: string;
  @Field({ description: 'True for the application that carries your operational webhooks.' })
  operational!: boolean;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond!: number | null;
  @Field(() => JSONObjectScalar) metadata!: Record<string, string>;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const ApplicationConnection = ConnectionType(Application, 'Application');

export function toApplication(e: ApplicationEntity): Application {
  return {
    id: e.id,
    uid: e.uid,
    name: e.name,
    operational: e.kind === 'operational',
    rateLimitPerSecond: e.rateLimitPerSecond,
    metadata: e.metadata,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
