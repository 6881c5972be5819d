import type { Principal } from './auth/principal';
import type { Services } from './services';

export interface ApiContext {
  requestId: string;
  principal: Principal | null;
  /** The raw bearer token, for logOut. */
  bearerToken: string | null;
  services: Services;
}
