import { Context } from '@temporalio/activity';
import type { DeliveryConfig, RetentionConfig } from '@herald/config';
import type { Database, SecretCipher } from '@herald/db';
import type { DeliverDueInput } from '@herald/temporal';
import type { WebhookSender } from '../http/sender';
import { deliverDue } from './deliver';
import { abandonDeliveries, autoDisableEndpoint, laneSettings } from './lane';
import type { Dispatcher } from '@herald/temporal';
import { reconcile } from './reconcile';
import { expirePayloads } from './retention';

export interface ActivityDeps {
  db: Database;
  cipher: SecretCipher;
  sender: WebhookSender;
  delivery: DeliveryConfig;
  dispatcher: Dispatcher;
  retention: RetentionConfig;
}

/** Activities take their dependencies explicitly, so tests can hand in real or fake ones. */
export function createActivities(deps: ActivityDeps) {
  return {
    deliverDue: (input: DeliverDueInput) => deliverDue(deps, input),
    laneSettings: async () => laneSettings(deps.delivery),
    abandonDeliveries: (input: { tenantId: string; endpointId: string }) =>
      abandonDeliveries(deps.db, input),
    autoDisableEndpoint: (input: {
      tenantId: string;
      endpointId: string;
      failingSinceMs: number;
    }) => autoDisableEndpoint(deps.db, deps.dispatcher, input),
    reconcile: () =>
      reconcile(deps.db, deps.dispatcher, {
        olderThanMs: deps.delivery.reconcileAfterMs,
        limit: 10_000,
      }),
    expirePayloads: () =>
      expirePayloads(deps.db, {
        batchSize: deps.retention.batchSize,
        budgetMs: deps.retention.budgetMs,
        onProgress: (expunged) => Context.current().heartbeat(expunged),
      }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
