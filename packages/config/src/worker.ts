import { DEFAULT_RETRY_POLICY } from '@herald/domain';
import { EnvReader, readDuration, readDurationList, type Env } from './env';
import { readTemporalConfig, type TemporalConfig } from './temporal';
import { readDatabaseConfig, type DatabaseConfig, type RuntimeEnv } from './schemas';
import {
  readMetricsConfig,
  readTracingConfig,
  type MetricsConfig,
  type TracingConfig,
} from './observability';

export interface DeliveryConfig {
  /** Delay before each attempt; the first is normally 0 (immediately). */
  retryScheduleMs: number[];
  jitter: number;
  timeoutMs: number;
  minDelayAfterThrottleMs: number;
  maxRetryAfterMs: number;
  batchSize: number;
  concurrencyPerEndpoint: number;
  responseExcerptBytes: number;
  userAgent: string;
  circuitFailureThreshold: number;
  circuitCooldownMs: number;
  circuitMaxCooldownMs: number;
  autoDisableAfterMs: number;
  laneIdleTimeoutMs: number;
  laneParallelSteps: number;
  laneMaxHistoryEvents: number;
  /** A PENDING delivery this far past its due time is re-handed to its lane. */
  reconcileAfterMs: number;
  reconcileIntervalMs: number;
  /** Send operational events (endpoint.disabled, message.attempt.failing…) after this many failures. */
  failingEventAfterAttempts: number;
}

/** The scheduled payload expunge (each tenant's retention is its own setting, in the database). */
export interface RetentionConfig {
  intervalMs: number;
  /** Payloads expunged per statement. */
  batchSize: number;
  /** How long one run may work before it yields to the next. */
  budgetMs: number;
}

export interface WorkerConfig {
  env: RuntimeEnv;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  database: DatabaseConfig;
  temporal: TemporalConfig & { address: string };
  delivery: DeliveryConfig;
  retention: RetentionConfig;
  encryptionKey: Buffer;
  allowHttp: boolean;
  ssrfAllowList: string[];
  /** Max concurrent activity executions on this worker. */
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  maxCachedWorkflows: number;
  /** The worker's HTTP server for probes and Prometheus metrics. */
  metrics: MetricsConfig;
  tracing: TracingConfig;
}

export function readDeliveryConfig(r: EnvReader): DeliveryConfig {
  return {
    // The defaults are the domain's retry policy: one place says what Herald retries by default.
    retryScheduleMs: readDurationList(r, 'HERALD_RETRY_SCHEDULE', [
      ...DEFAULT_RETRY_POLICY.schedule,
    ]),
    jitter:
      r.int('HERALD_RETRY_JITTER_PERCENT', Math.round(DEFAULT_RETRY_POLICY.jitter * 100), {
        min: 0,
        max: 100,
      }) / 100,
    timeoutMs: readDuration(r, 'HERALD_DELIVERY_TIMEOUT', 15_000),
    minDelayAfterThrottleMs: readDuration(
      r,
      'HERALD_MIN_DELAY_AFTER_THROTTLE',
      DEFAULT_RETRY_POLICY.minDelayAfterThrottleMs,
    ),
    maxRetryAfterMs: readDuration(
      r,
      'HERALD_MAX_RETRY_AFTER',
      DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    ),
    batchSize: r.int('HERALD_LANE_BATCH_SIZE', 100, { min: 1, max: 1000 }),
    concurrencyPerEndpoint: r.int('HERALD_ENDPOINT_CONCURRENCY', 50, { min: 1, max: 1000 }),
    responseExcerptBytes: r.int('HERALD_RESPONSE_EXCERPT_BYTES', 4096, { min: 0, max: 65536 }),
    userAgent: r.string('HERALD_USER_AGENT', 'Herald-Webhooks/0.1 (+https://github.com/herald)'),
    circuitFailureThreshold: r.int('HERALD_CIRCUIT_FAILURE_THRESHOLD', 10, { min: 1 }),
    circuitCooldownMs: readDuration(r, 'HERALD_CIRCUIT_COOLDOWN', 30_000),
    circuitMaxCooldownMs: readDuration(r, 'HERALD_CIRCUIT_MAX_COOLDOWN', 600_000),
    autoDisableAfterMs: readDuration(r, 'HERALD_AUTO_DISABLE_AFTER', 5 * 86_400_000),
    laneIdleTimeoutMs: readDuration(r, 'HERALD_LANE_IDLE_TIMEOUT', 60_000),
    laneParallelSteps: r.int('HERALD_LANE_PARALLEL_STEPS', 4, { min: 1, max: 32 }),
    laneMaxHistoryEvents: r.int('HERALD_LANE_MAX_HISTORY_EVENTS', 4000, { min: 100 }),
    reconcileAfterMs: readDuration(r, 'HERALD_RECONCILE_AFTER', 60_000),
    reconcileIntervalMs: readDuration(r, 'HERALD_RECONCILE_INTERVAL', 30_000),
    failingEventAfterAttempts: r.int('HERALD_FAILING_EVENT_AFTER_ATTEMPTS', 4, { min: 1 }),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const r = new EnvReader(env);
  const runtimeEnv = r.oneOf<RuntimeEnv>(
    'HERALD_ENV',
    ['development', 'test', 'production'],
    env.NODE_ENV === 'production' ? 'production' : 'development',
  );
  const temporal = readTemporalConfig(r);
  if (!temporal.address) r.problems.push('TEMPORAL_ADDRESS is required for the worker');
  const rawKey = r.string('HERALD_ENCRYPTION_KEY');
  const encryptionKey = Buffer.from(rawKey ?? '', 'base64');
  if (encryptionKey.length !== 32)
    r.problems.push('HERALD_ENCRYPTION_KEY must be base64 of exactly 32 bytes');
  const config: WorkerConfig = {
    env: runtimeEnv,
    logLevel: r.oneOf('HERALD_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    database: readDatabaseConfig(r),
    temporal: temporal as TemporalConfig & { address: string },
    delivery: readDeliveryConfig(r),
    retention: {
      intervalMs: readDuration(r, 'HERALD_RETENTION_INTERVAL', 3_600_000),
      batchSize: r.int('HERALD_RETENTION_BATCH_SIZE', 5_000, { min: 1, max: 100_000 }),
      budgetMs: readDuration(r, 'HERALD_RETENTION_BUDGET', 300_000),
    },
    encryptionKey,
    allowHttp: r.bool('HERALD_ALLOW_HTTP', runtimeEnv !== 'production'),
    ssrfAllowList: r.list('HERALD_SSRF_ALLOWLIST'),
    maxConcurrentActivities: r.int('HERALD_WORKER_MAX_ACTIVITIES', 200, { min: 1 }),
    maxConcurrentWorkflowTasks: r.int('HERALD_WORKER_MAX_WORKFLOW_TASKS', 100, { min: 1 }),
    maxCachedWorkflows: r.int('HERALD_WORKER_MAX_CACHED_WORKFLOWS', 2000, { min: 0 }),
    metrics: readMetricsConfig(r),
    tracing: readTracingConfig(r, 'herald-worker'),
  };
  r.done();
  return config;
}
