import { Initial1764200000000 } from './1764200000000-Initial';
import { OperationalApplications1764300000000 } from './1764300000000-OperationalApplications';

export { TENANT_TABLES } from './1764200000000-Initial';
export const MIGRATIONS = [Initial1764200000000, OperationalApplications1764300000000];
