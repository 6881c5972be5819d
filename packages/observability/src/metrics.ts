import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics shared by the apps. Each app exposes one registry on `/metrics`: the API on
 * its own port, the worker on its health server, billing wherever it mounts `metricsHandler`.
 * Metric sets are created once per registry (prom-client refuses duplicate names), so callers
 * simply ask for `deliveryMetrics()` where they need it.
 *
 * Labels are bounded by construction (status classes, outcome names, capped operation names):
 * no tenant, endpoint or message ids, which would make series grow with the data.
 */

export { Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** A registry with Node's default process metrics (CPU, memory, event loop lag, GC, handles). */
export function createRegistry({ defaultMetrics = true } = {}): Registry {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** This process's registry, created on first use. */
export function metricsRegistry(): Registry {
  processRegistry ??= createRegistry();
  return processRegistry;
}

/** Prometheus text exposition of `registry`. */
export async function renderMetrics(
  registry: Registry = metricsRegistry(),
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** A `(req, res)` handler answering GET with the registry's metrics; works in Express too. */
export function metricsHandler(
  registry: Registry = metricsRegistry(),
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    renderMetrics(registry).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: Error) => {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`metrics failed: ${error.message}`);
      },
    );
  };
}

/**
 * Maps arbitrary strings (client-chosen GraphQL operation names) to at most `max` distinct label
 * values; later newcomers share `overflow`, so a client cannot grow the series without bound.
 */
export function boundedLabel(max: number, overflow = 'other'): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return overflow;
    seen.add(value);
    return value;
  };
}

function memoized<T>(build: (registry: Registry) => T): (registry?: Registry) => T {
  const sets = new WeakMap<Registry, T>();
  return (registry = metricsRegistry()) => {
    let set = sets.get(registry);
    if (!set) {
      set = build(registry);
      sets.set(registry, set);
    }
    return set;
  };
}

// ---------------------------------------------------------------------------------------------
// API

export interface ApiMetrics {
  /** One HTTP request; `route` must come from a fixed set (not the raw path). */
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  /** One GraphQL operation, by operation name (bounded), type and outcome. */
  observeOperation(
    operation: string,
    type: string,
    outcome: 'success' | 'error',
    seconds: number,
  ): void;
  /** Messages accepted by sendMessage/sendMessages: newly stored and idempotent repeats. */
  messagesIngested(created: number, duplicates: number): void;
}

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const apiMetrics = memoized<ApiMetrics>((registry) => {
  const http = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP requests served by the API, by route, method and status class',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const operations = new Histogram({
    name: 'herald_graphql_operation_duration_seconds',
    help: 'GraphQL operations, by operation name (capped at 200 names), type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const ingested = new Counter({
    name: 'herald_messages_ingested_total',
    help: 'Messages accepted by sendMessage/sendMessages (result: created or duplicate)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const created = ingested.labels('created');
  const duplicate = ingested.labels('duplicate');
  const operationName = boundedLabel(200);
  return {
    observeHttp(route, method, status, seconds) {
      http.observe({ route, method, status_class: `${Math.floor(status / 100)}xx` }, seconds);
    },
    observeOperation(operation, type, outcome, seconds) {
      operations.observe({ operation: operationName(operation), type, outcome }, seconds);
    },
    messagesIngested(createdCount, duplicates) {
      if (createdCount > 0) created.inc(createdCount);
      if (duplicates > 0) duplicate.inc(duplicates);
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Delivery (worker)

/** What happened to a delivery after an attempt: its status, with PENDING read as "retrying". */
export type DeliveryOutcome = 'succeeded' | 'retrying' | 'exhausted' | 'failed' | 'unchanged';

export interface AttemptObservation {
  /** HTTP status, or null when no response came back. */
  status: number | null;
  /** Why no usable response came back (timeout, refused, reset, dns, tls, ssrf, redirect, other). */
  errorKind: string | null;
  durationMs: number;
  outcome: DeliveryOutcome;
}

/** Oldest due PENDING delivery and how many are due, sampled from PostgreSQL. */
export interface QueueLagSample {
  /** Seconds since the oldest due PENDING delivery became due; 0 when nothing is due. */
  lagSeconds: number;
  /** Due PENDING deliveries, counted up to a cap (the sampler's LIMIT). */
  due: number;
}

export interface DeliveryMetrics {
  attempt(observation: AttemptObservation): void;
  /**
   * One lane step's results for an endpoint. The circuit itself lives in the lane workflow's
   * state; this mirrors its rule (`threshold` consecutive failures open it, a success closes
   * it) over the steps this process ran, to count transitions and open circuits.
   */
  laneStep(endpointId: string, succeeded: number, failed: number, threshold: number): void;
  /** Sampled on scrape (at most every `minIntervalMs`), so idle processes do no queries. */
  setQueueLagSampler(sample: () => Promise<QueueLagSample>, minIntervalMs?: number): void;
}

const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30];
const SAMPLE_TIMEOUT_MS = 3_000;
const CIRCUIT_STALE_MS = 30 * 60_000;
const CIRCUIT_TRACKED_MAX = 50_000;

/** `2xx`, `429`, `5xx`… for responses; the error kind when none came back. */
export function attemptResult(status: number | null, errorKind: string | null): string {
  if (status !== null && errorKind !== 'redirect') {
    if (status === 429 || status === 410) return String(status);
    return `${Math.floor(status / 100)}xx`;
  }
  return errorKind ?? 'other';
}

export const deliveryMetrics = memoized<DeliveryMetrics>((registry) => {
  const attempts = new Counter({
    name: 'herald_delivery_attempts_total',
    help: 'Delivery attempts by result: HTTP status class (2xx, 4xx, 410, 429, 5xx) or network error kind',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'herald_delivery_attempt_duration_seconds',
    help: 'Time from sending a webhook to its response (or failure), by success or failure',
    labelNames: ['success'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'herald_deliveries_total',
    help: 'Delivery state after each attempt: succeeded, retrying, exhausted, failed (410 or manual), unchanged (manual retry of a finished delivery)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'herald_circuit_transitions_total',
    help: "Endpoint circuit breaker transitions seen by this process's lane steps (to: open or closed)",
    labelNames: ['to'] as const,
    registers: [registry],
  });
  const circuits = new Map<string, { failures: number; open: boolean; seenMs: number }>();
  new Gauge({
    name: 'herald_circuit_open_endpoints',
    help: "Endpoints whose circuit is open, as seen by this process's lane steps (sum across workers)",
    registers: [registry],
    collect() {
      const now = Date.now();
      let open = 0;
      for (const [endpointId, state] of circuits) {
        // A lane that stopped probing (endpoint deleted or disabled) no longer counts.
        if (now - state.seenMs > CIRCUIT_STALE_MS) circuits.delete(endpointId);
        else if (state.open) open++;
      }
      this.set(open);
    },
  });

  let sampler: (() => Promise<QueueLagSample>) | null = null;
  let minInterval = 5_000;
  let last: { at: number; sample: QueueLagSample } | null = null;
  let inflight: Promise<QueueLagSample | null> | null = null;
  const samplerErrors = new Counter({
    name: 'herald_queue_lag_sample_errors_total',
    help: 'Failed queue-lag samples (the gauges keep their previous values)',
    registers: [registry],
    // Collectors run concurrently: wait for this scrape's sample so its failure is counted now.
    async collect() {
      await sample();
    },
  });
  const sample = async (): Promise<QueueLagSample | null> => {
    if (!sampler) return null;
    if (last && Date.now() - last.at < minInterval) return last.sample;
    if (inflight) return inflight;
    // A scrape must not hang on a slow database: give up after a few seconds, keep old values.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('queue lag sample timed out')), SAMPLE_TIMEOUT_MS);
    });
    const run = sampler;
    inflight = Promise.race([Promise.resolve().then(run), timeout])
      .then((value) => {
        last = { at: Date.now(), sample: value };
        return value;
      })
      .catch(() => {
        samplerErrors.inc();
        return last?.sample ?? null;
      })
      .finally(() => {
        clearTimeout(timer);
        inflight = null;
      });
    return inflight;
  };
  new Gauge({
    name: 'herald_delivery_queue_lag_seconds',
    help: 'Age of the oldest due PENDING delivery (how far behind delivery is); 0 when none is due',
    registers: [registry],
    async collect() {
      const value = await sample();
      if (value) this.set(value.lagSeconds);
    },
  });
  new Gauge({
    name: 'herald_deliveries_due',
    help: 'PENDING deliveries that are due now (counted up to a cap)',
    registers: [registry],
    async collect() {
      const value = await sample();
      if (value) this.set(value.due);
    },
  });

  const byResult = new Map<string, ReturnType<typeof attempts.labels>>();
  const success = duration.labels('true');
  const failure = duration.labels('false');
  return {
    attempt({ status, errorKind, durationMs, outcome }) {
      const result = attemptResult(status, errorKind);
      let counter = byResult.get(result);
      if (!counter) {
        counter = attempts.labels(result);
        byResult.set(result, counter);
      }
      counter.inc();
      (outcome === 'succeeded' ? success : failure).observe(durationMs / 1000);
      deliveries.inc({ outcome });
    },
    laneStep(endpointId, succeeded, failed, threshold) {
      if (succeeded === 0 && failed === 0) return;
      const state = circuits.get(endpointId);
      if (succeeded > 0) {
        if (state?.open) transitions.inc({ to: 'closed' });
        if (state) circuits.delete(endpointId);
        return;
      }
      if (!state) {
        if (circuits.size >= CIRCUIT_TRACKED_MAX) return;
        const open = failed >= threshold;
        circuits.set(endpointId, { failures: failed, open, seenMs: Date.now() });
        if (open) transitions.inc({ to: 'open' });
        return;
      }
      state.failures += failed;
      state.seenMs = Date.now();
      if (!state.open && state.failures >= threshold) {
        state.open = true;
        transitions.inc({ to: 'open' });
      }
    },
    setQueueLagSampler(fn, minIntervalMs = 5_000) {
      sampler = fn;
      minInterval = minIntervalMs;
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Billing

export interface BillingMetrics {
  /**
   * Usage is reported to Stripe through `watermark` (the end of the last hour sent). The lag
   * gauge is computed from it at scrape time, so it keeps growing while reporting is stuck.
   */
  reportedThrough(watermark: Date | number): void;
  /** One usage-reporting run (or one tenant's report) finished: ok or error. */
  usageReport(result: 'ok' | 'error', count?: number): void;
  /** One Stripe webhook handled: processed, duplicate, refused (bad signature) or failed. */
  webhook(result: 'processed' | 'duplicate' | 'refused' | 'failed'): void;
}

export const billingMetrics = memoized<BillingMetrics>((registry) => {
  let watermarkMs: number | null = null;
  new Gauge({
    name: 'herald_billing_reporting_lag_seconds',
    help: 'Seconds between now and the end of the last usage hour reported to Stripe',
    registers: [registry],
    collect() {
      if (watermarkMs !== null) this.set(Math.max(0, (Date.now() - watermarkMs) / 1000));
    },
  });
  const reports = new Counter({
    name: 'herald_billing_usage_reports_total',
    help: 'Usage reports sent to Stripe, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'herald_billing_webhooks_total',
    help: 'Stripe webhooks received, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    reportedThrough(watermark) {
      watermarkMs = typeof watermark === 'number' ? watermark : watermark.getTime();
    },
    usageReport(result, count = 1) {
      reports.inc({ result }, count);
    },
    webhook(result) {
      webhooks.inc({ result });
    },
  };
});
