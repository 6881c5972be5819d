import { join } from 'node:path';
import { EnvReader, type Env } from './env';
import { readTemporalConfig, type TemporalConfig } from './temporal';
import { readPlanLimits, type PlanLimits } from './plans';
import {
  readMetricsConfig,
  readTracingConfig,
  type MetricsConfig,
  type TracingConfig,
} from './observability';
import { readBillingSettings, type BillingSettings } from './billing';

export type RuntimeEnv = 'development' | 'test' | 'production';

export interface DatabaseConfig {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

export interface SecurityConfig {
  /** AES-256-GCM key for signing secrets at rest (32 bytes). */
  encryptionKey: Buffer;
  /** Bearer token for operator calls (createTenant, tenants); null disables them. */
  operatorToken: string | null;
  /** Plain-http endpoint URLs are refused unless the operator allows them. */
  allowHttp: boolean;
  /** CIDRs, IPs and host names exempt from the SSRF guard (e.g. loopback in tests). */
  ssrfAllowList: string[];
  secretRotationGraceMs: number;
  sessionTtlMs: number;
  /** Lifetime of a consumer portal session (after its one-time link is opened). */
  portalSessionTtlMs: number;
  /** Schema introspection over HTTP and WebSocket; off by default in production. */
  introspection: boolean;
  /**
   * How often open WebSockets re-check their credential, so a key, session or portal link
   * revoked on another replica stops working there within this time.
   */
  socketRecheckMs: number;
}

/** Outgoing mail (verification and invitation links). */
export interface MailConfig {
  /** e.g. smtp://user:pass@mail.example:587. */
  smtpUrl: string | null;
  from: string;
  /**
   * Without SMTP_URL outside production, mail is written to the log (links included) so a
   * developer can follow them; in production it is not sent, and invitations say so.
   */
  logInstead: boolean;
}

/**
 * Throttles on the unauthenticated identity mutations, shared by every API process through
 * PostgreSQL. Each is a number of attempts per window.
 */
export interface IdentityThrottles {
  logInPerEmailPerMinute: number;
  logInPerAddressPerMinute: number;
  signUpPerAddressPerHour: number;
  signUpPerEmailPerHour: number;
  acceptInvitationPerAddressPerMinute: number;
}

export interface LimitsConfig {
  maxPayloadBytes: number;
  maxRequestBytes: number;
  maxBatchSize: number;
  idempotencyWindowMs: number;
  /** Token bucket per tenant for mutations: sustained rate and burst. */
  mutationsPerSecond: number;
  mutationBurst: number;
  maxQueryDepth: number;
  maxQueryComplexity: number;
  /** Lexical tokens in one GraphQL document: bounds parse and validation work. */
  maxQueryTokens: number;
  maxQueryAliases: number;
  maxQueryDirectives: number;
  maxQueryFragmentSpreads: number;
  /** Wall-clock budget for validating one publish against tenant JSON Schemas (off the event loop). */
  schemaValidationBudgetMs: number;
}

export interface ApiConfig {
  env: RuntimeEnv;
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** API processes sharing the port (node:cluster); 1 runs a single process. */
  processes: number;
  /** Public base URL used in links the API prints or returns (portal links, etc.). */
  publicUrl: string;
  /**
   * The built web app (apps/portal/dist) the API serves at `/`; serving is skipped when the
   * directory does not exist (the portal was not built, or it sits on a static host).
   */
  portalDir: string;
  database: DatabaseConfig;
  security: SecurityConfig;
  limits: LimitsConfig;
  /** Where deliveries are handed off; address null = store only (no delivery). */
  temporal: TemporalConfig;
  plans: PlanLimits;
  /** Prometheus `/metrics` on the API port. */
  metrics: MetricsConfig;
  tracing: TracingConfig;
  /** Stripe and plan prices for checkout, the billing portal and projected costs. */
  billing: BillingSettings;
  mail: MailConfig;
  throttles: IdentityThrottles;
}

const HOUR_MS = 3_600_000;

/** apps/portal/dist of this checkout, found from packages/config/dist (or src under vitest). */
export const DEFAULT_PORTAL_DIR = join(__dirname, '..', '..', '..', 'apps', 'portal', 'dist');

export function readDatabaseConfig(r: EnvReader): DatabaseConfig {
  return {
    url: r.required('DATABASE_URL'),
    poolSize: r.int('HERALD_DB_POOL_SIZE', 20, { min: 1, max: 500 }),
    statementTimeoutMs: r.int('HERALD_DB_STATEMENT_TIMEOUT_MS', 30_000, { min: 100 }),
  };
}

export function readSecurityConfig(r: EnvReader, env: RuntimeEnv): SecurityConfig {
  const rawKey = r.string('HERALD_ENCRYPTION_KEY');
  let encryptionKey = Buffer.alloc(0);
  if (rawKey === undefined) {
    r.problems.push('HERALD_ENCRYPTION_KEY is required (base64 of 32 random bytes)');
  } else {
    encryptionKey = Buffer.from(rawKey, 'base64');
    if (encryptionKey.length !== 32) {
      r.problems.push('HERALD_ENCRYPTION_KEY must be base64 of exactly 32 bytes');
    }
  }
  return {
    encryptionKey,
    operatorToken: r.string('HERALD_OPERATOR_TOKEN') ?? null,
    allowHttp: r.bool('HERALD_ALLOW_HTTP', env !== 'production'),
    ssrfAllowList: r.list('HERALD_SSRF_ALLOWLIST'),
    secretRotationGraceMs: r.int('HERALD_SECRET_ROTATION_GRACE_MS', 24 * HOUR_MS),
    sessionTtlMs: r.int('HERALD_SESSION_TTL_MS', 7 * 24 * HOUR_MS, { min: 60_000 }),
    portalSessionTtlMs: r.int('HERALD_PORTAL_SESSION_TTL_MS', HOUR_MS, { min: 60_000 }),
    introspection: r.bool('HERALD_GRAPHQL_INTROSPECTION', env !== 'production'),
    socketRecheckMs: r.int('HERALD_SOCKET_RECHECK_MS', 5_000, { min: 100, max: 60_000 }),
  };
}

export function readLimitsConfig(r: EnvReader): LimitsConfig {
  return {
    maxPayloadBytes: r.int('HERALD_MAX_PAYLOAD_BYTES', 256 * 1024, { min: 1024 }),
    maxRequestBytes: r.int('HERALD_MAX_REQUEST_BYTES', 32 * 1024 * 1024, { min: 1024 }),
    maxBatchSize: r.int('HERALD_MAX_BATCH_SIZE', 1000, { min: 1, max: 10_000 }),
    idempotencyWindowMs: r.int('HERALD_IDEMPOTENCY_WINDOW_MS', 24 * HOUR_MS, { min: 1000 }),
    mutationsPerSecond: r.int('HERALD_RATE_LIMIT_PER_SECOND', 2000, { min: 1 }),
    mutationBurst: r.int('HERALD_RATE_LIMIT_BURST', 4000, { min: 1 }),
    maxQueryDepth: r.int('HERALD_MAX_QUERY_DEPTH', 10, { min: 2, max: 100 }),
    maxQueryComplexity: r.int('HERALD_MAX_QUERY_COMPLEXITY', 5000, { min: 10 }),
    maxQueryTokens: r.int('HERALD_MAX_QUERY_TOKENS', 2000, { min: 100, max: 100_000 }),
    maxQueryAliases: r.int('HERALD_MAX_QUERY_ALIASES', 20, { min: 1, max: 1000 }),
    maxQueryDirectives: r.int('HERALD_MAX_QUERY_DIRECTIVES', 20, { min: 1, max: 1000 }),
    maxQueryFragmentSpreads: r.int('HERALD_MAX_QUERY_FRAGMENT_SPREADS', 50, { min: 1, max: 1000 }),
    schemaValidationBudgetMs: r.int('HERALD_SCHEMA_VALIDATION_BUDGET_MS', 250, {
      min: 10,
      max: 60_000,
    }),
  };
}

export function readMailConfig(r: EnvReader, env: RuntimeEnv): MailConfig {
  const smtpUrl = r.string('SMTP_URL') ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl))
    r.problems.push('SMTP_URL must start with smtp:// or smtps://');
  return {
    smtpUrl,
    from: r.string('HERALD_MAIL_FROM', 'Herald <no-reply@herald.localhost>'),
    logInstead: smtpUrl === null && env !== 'production',
  };
}

export function readIdentityThrottles(r: EnvReader): IdentityThrottles {
  const max = { min: 1, max: 1_000_000 };
  return {
    logInPerEmailPerMinute: r.int('HERALD_LOGIN_PER_EMAIL_PER_MINUTE', 10, max),
    logInPerAddressPerMinute: r.int('HERALD_LOGIN_PER_ADDRESS_PER_MINUTE', 60, max),
    signUpPerAddressPerHour: r.int('HERALD_SIGNUP_PER_ADDRESS_PER_HOUR', 10, max),
    signUpPerEmailPerHour: r.int('HERALD_SIGNUP_PER_EMAIL_PER_HOUR', 3, max),
    acceptInvitationPerAddressPerMinute: r.int('HERALD_ACCEPT_PER_ADDRESS_PER_MINUTE', 20, max),
  };
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const r = new EnvReader(env);
  const runtimeEnv = r.oneOf<RuntimeEnv>(
    'HERALD_ENV',
    ['development', 'test', 'production'],
    env.NODE_ENV === 'production' ? 'production' : 'development',
  );
  const port = r.int('PORT', 4000, { min: 0, max: 65535 });
  const config: ApiConfig = {
    env: runtimeEnv,
    host: r.string('HOST', '0.0.0.0'),
    port,
    logLevel: r.oneOf('HERALD_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    processes: r.int('HERALD_API_PROCESSES', 1, { min: 1, max: 64 }),
    publicUrl: r.string('HERALD_PUBLIC_URL', `http://localhost:${port}`),
    portalDir: r.string('HERALD_PORTAL_DIR', DEFAULT_PORTAL_DIR),
    database: readDatabaseConfig(r),
    security: readSecurityConfig(r, runtimeEnv),
    limits: readLimitsConfig(r),
    temporal: readTemporalConfig(r),
    plans: readPlanLimits(r),
    metrics: readMetricsConfig(r),
    tracing: readTracingConfig(r, 'herald-api'),
    billing: readBillingSettings(r, runtimeEnv),
    mail: readMailConfig(r, runtimeEnv),
    throttles: readIdentityThrottles(r),
  };
  r.done();
  return config;
}

/** What `migrate` needs: the database alone (no keys), so a migration job holds no secrets. */
export function loadMigrationConfig(env: Env = process.env): { database: DatabaseConfig } {
  const r = new EnvReader(env);
  const config = { database: readDatabaseConfig(r) };
  r.done();
  return config;
}
