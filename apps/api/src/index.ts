export { createServer, type HeraldServer, type ServerDeps } from './server';
export { buildHeraldSchema, renderSchema } from './graphql/schema';
export type { DeliveryHandOff } from '@herald/temporal';
