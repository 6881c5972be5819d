import Stripe from 'stripe';

export type StripeClient = Stripe;

export interface CreateStripeOptions {
  /** null/undefined = "not configured": no client, billing skips every Stripe call. */
  secretKey: string | null | undefined;
  /** Origin to talk to instead of api.stripe.com, e.g. stripe-mock at http://127.0.0.1:12111. */
  apiBase?: string | null;
  maxNetworkRetries?: number;
  timeoutMs?: number;
  /** Include request/response bodies in the client's `request`/`response` events (tests). */
  emitEventBodies?: boolean;
  /** Replace the HTTP transport (tests simulate lost responses with it). */
  httpClient?: ReturnType<typeof Stripe.createNodeHttpClient>;
}

export function createStripe(options: CreateStripeOptions): Stripe | null {
  if (!options.secretKey) return null;
  const config: ConstructorParameters<typeof Stripe>[1] = {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    emitEventBodies: options.emitEventBodies ?? false,
    appInfo: { name: 'Herald' },
  };
  if (options.apiBase) {
    const url = new URL(options.apiBase);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    // One host override covers every Stripe base address (api, files, meter_events).
    config.host = url.hostname;
    config.port = url.port || (protocol === 'http' ? 80 : 443);
    config.protocol = protocol;
  }
  if (options.httpClient) config.httpClient = options.httpClient;
  return new Stripe(options.secretKey, config);
}
