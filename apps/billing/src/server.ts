import http from 'node:http';
import type { Logger } from '@herald/observability';
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
}

class BodyTooLargeError extends Error {}

/**
 * The billing HTTP surface: `POST /stripe/webhook` (raw body, verified) and `GET /healthz`.
 * Returns an unstarted server; the caller chooses where it listens.
 */
export function createBillingServer(deps: BillingServerDeps): http.Server {
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
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
    if (url.pathname !== '/stripe/webhook') return reply(404, { error: 'not found' });
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });

    readBody(req, maxBodyBytes)
      .then((body) => handleStripeWebhook(body, req.headers['stripe-signature'], deps.webhook))
      .then(
        (outcome) => reply(200, { received: true, ...outcome }),
        (err: unknown) => {
          if (err instanceof WebhookSignatureError) {
            deps.logger?.warn('stripe webhook refused', { reason: err.message });
            return reply(400, { error: 'invalid signature' });
          }
          if (err instanceof BodyTooLargeError) return reply(413, { error: 'body too large' });
          if (err instanceof WebhookNotConfiguredError) {
            return reply(503, { error: 'webhooks are not configured' });
          }
          deps.logger?.error('stripe webhook failed', { error: (err as Error)?.message });
          // 5xx makes Stripe retry later; the event id was released for that.
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
