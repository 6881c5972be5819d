import type { Principal } from './auth/principal';
import type { Services } from './services';

export interface ApiContext {
  requestId: string;
  principal: Principal | null;
  /** The raw bearer token, for logOut. */
  bearerToken: string | null;
  /** The peer address (the API does not trust proxy headers), for per-address throttles. */
  clientIp: string | null;
  services: Services;
  /**
   * W3C traceparent of this request's span (set by the tracing plugin), stored with published
   * messages so their deliveries join the trace; null when tracing is off.
   */
  traceparent: string | null;
}
