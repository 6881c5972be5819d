import { Initial1764200000000 } from './1764200000000-Initial';

export { TENANT_TABLES } from './1764200000000-Initial';
export const MIGRATIONS = [Initial1764200000000];
