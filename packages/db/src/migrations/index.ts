import { Initial1764200000000 } from './1764200000000-Initial';
import { OperationalApplications1764300000000 } from './1764300000000-OperationalApplications';
import { LaneIndexes1764400000000 } from './1764400000000-LaneIndexes';
import { RestrictUsers1764500000000 } from './1764500000000-RestrictUsers';
import { PlansAndUsage1764600000000 } from './1764600000000-PlansAndUsage';
import { Billing1764700000000 } from './1764700000000-Billing';
import { Subscriptions1764800000000 } from './1764800000000-Subscriptions';
import { PortalSessions1764900000000 } from './1764900000000-PortalSessions';
import { Retention1765000000000 } from './1765000000000-Retention';
import { QueryIndexes1765100000000 } from './1765100000000-QueryIndexes';
import { TraceContext1765200000000 } from './1765200000000-TraceContext';
import { MessageChannels1765300000000 } from './1765300000000-MessageChannels';
import { EmailOwnership1765400000000 } from './1765400000000-EmailOwnership';
import { ApiKeyCreators1765410000000 } from './1765410000000-ApiKeyCreators';

export { TENANT_TABLES } from './1764200000000-Initial';
export const MIGRATIONS = [
  Initial1764200000000,
  OperationalApplications1764300000000,
  LaneIndexes1764400000000,
  RestrictUsers1764500000000,
  PlansAndUsage1764600000000,
  Billing1764700000000,
  Subscriptions1764800000000,
  PortalSessions1764900000000,
  Retention1765000000000,
  QueryIndexes1765100000000,
  TraceContext1765200000000,
  MessageChannels1765300000000,
  EmailOwnership1765400000000,
  ApiKeyCreators1765410000000,
];
