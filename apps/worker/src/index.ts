export { createWorker, type HeraldWorker, type WorkerDeps } from './worker';
export { createActivities, type Activities } from './activities';
export { WebhookSender } from './http/sender';
export { createLogger } from '@herald/observability';
