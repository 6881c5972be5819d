import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LaneSystemRepository, type Database } from '@herald/db';
import { metricsHandler, type QueueLagSample, type Registry } from '@herald/observability';

/**
 * The worker has no API of its own, so this small HTTP server gives orchestrators and Prometheus
 * something to talk to: `/healthz` (the process is alive: restart it if not), `/readyz` (it is
 * connected and polling: route work to it) and `/metrics`. It starts before the worker connects
 * to Temporal, so a pod waiting out a Temporal outage stays alive but not ready.
 */
export interface HealthServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** null = no /metrics (HERALD_METRICS_ENABLED=false). */
  registry: Registry | null;
  /** Alive unless something unrecoverable happened; default: always. */
  live?: () => boolean;
  /** Resolves to null when ready, or the reason it is not. */
  ready: () => Promise<string | null>;
}

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 3_000;

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const metrics = options.registry ? metricsHandler(options.registry) : null;
  const json = (res: import('node:http').ServerResponse, status: number, body: object) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const alive = options.live?.() ?? true;
      json(res, alive ? 200 : 503, { status: alive ? 'ok' : 'failed' });
    } else if (path === '/readyz') {
      withTimeout(options.ready(), READY_TIMEOUT_MS).then(
        (reason) =>
          reason === null
            ? json(res, 200, { status: 'ready' })
            : json(res, 503, { status: 'unavailable', reason }),
        (error: Error) => json(res, 503, { status: 'unavailable', reason: error.message }),
      );
    } else if (path === '/metrics' && metrics) {
      metrics(req, res);
    } else {
      json(res, 404, { status: 'not found' });
    }
  });
  // Probes are tiny; never let a stuck client hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`check timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Due deliveries counted up to this many: enough to tell "a backlog" from "a huge backlog". */
export const DUE_COUNT_CAP = 10_000;

/**
 * Queue lag from the partial index on PENDING deliveries (deliveries_pending_idx on
 * next_attempt_at): the oldest due entry is the first index entry, and the capped count reads at
 * most DUE_COUNT_CAP entries, so a scrape stays cheap whatever the backlog. Runs outside any
 * tenant, like the reconciler: it is an operator's view across tenants.
 */
export function queueLagSampler(db: Database): () => Promise<QueueLagSample> {
  return async () => {
    const lag = await db.withSystem((m) => new LaneSystemRepository(m).queueLag(DUE_COUNT_CAP));
    return { lagSeconds: Math.max(0, lag.lagSeconds), due: lag.due };
  };
}
