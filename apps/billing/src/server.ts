import http from 'node:http';
import { billingMetrics, metricsHandler, type Logger } from '@herald/observability';
import { WebhookSignatureError } from '@herald/billing-core';
import {
  handleStripeWebhook,
  WebhookNotConfiguredError,
  type StripeWebhookDeps,
} from '@herald/billing-core';

export interface BillingServerDeps {
  webhook: StripeWebhookDeps;
  /** Reported by /healthz; false in "not configured" mode. */
  stripeConfigured: boolean;
  logger?: Logger;
  /** Stripe's payloads are far smaller; anything bigger is not from Stripe. */
  maxBodyBytes?: number;
  /** /readyz: whether the service can do its work now (its database answers). Default: yes. */
  ready?: () => Promise<void>;
}

class BodyTooLargeError extends Error {}

/**
 * The billing HTTP surface: `POST /stripe/webhook` (raw body, verified), `GET /healthz` (the
 * process is up), `GET /readyz` (it can serve: the database answers) and `GET /metrics`.
 * Returns an unstarted server; the caller chooses where it listens.
 */
export function createBillingServer(deps: BillingServerDeps): http.Server {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const metrics = billingMetrics();
  const serveMetrics = metricsHandler();
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://billing.invalid');
    const reply = (status: number, body: Record<string, unknown>) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };

    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'GET only' });
      return reply(200, {
        ok: true,
        stripe: deps.stripeConfigured ? 'configured' : 'not_configured',
      });
    }
    if (url.pathname === '/readyz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'GET only' });
      (deps.ready?.() ?? Promise.resolve()).then(
        () => reply(200, { ok: true }),
        (err: unknown) => reply(503, { ok: false, error: (err as Error)?.message ?? 'not ready' }),
      );
      return;
    }
    if (url.pathname === '/metrics') return serveMetrics(req, res);
    if (url.pathname !== '/stripe/webhook') return reply(404, { error: 'not found' });
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });

    readBody(req, maxBodyBytes)
      .then((body) => handleStripeWebhook(body, req.headers['stripe-signature'], deps.webhook))
      .then(
        (outcome) => {
          metrics.webhook(outcome.status === 'duplicate' ? 'duplicate' : 'processed');
          reply(200, { received: true, ...outcome });
        },
        (err: unknown) => {
          if (err instanceof WebhookSignatureError) {
            metrics.webhook('refused');
            deps.logger?.warn('stripe webhook refused', { reason: err.message });
            return reply(400, { error: 'invalid signature' });
          }
          if (err instanceof BodyTooLargeError) return reply(413, { error: 'body too large' });
          if (err instanceof WebhookNotConfiguredError) {
            return reply(503, { error: 'webhooks are not configured' });
          }
          metrics.webhook('failed');
          deps.logger?.error('stripe webhook failed', { error: (err as Error)?.message });
          // 5xx makes Stripe retry later; the event id was rolled back with the effects.
          return reply(500, { error: 'internal error' });
        },
      );
  });
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
