import { EnvReader, type Env } from './env';
import { readDatabaseConfig, type DatabaseConfig, type RuntimeEnv } from './schemas';
import { readTemporalConfig, type TemporalConfig } from './temporal';
import { readTracingConfig, type TracingConfig } from './observability';

export interface StripeConfig {
  /** null = billing runs in "not configured" mode: metering and quotas work, Stripe calls are skipped. */
  secretKey: string | null;
  /** Signing secret of the Stripe webhook endpoint (whsec_…); null refuses every webhook. */
  webhookSecret: string | null;
  /** Override of the Stripe API origin (e.g. stripe-mock at http://127.0.0.1:12111); null = Stripe. */
  apiBase: string | null;
  /** Seconds a webhook signature timestamp may be old (Stripe's default is 300). */
  webhookToleranceSec: number;
}

export interface BillingPlansConfig {
  freeMonthlyMessages: number;
  proBasePriceId: string;
  proMeteredPriceId: string;
  /** Amounts used for projections only; Stripe's prices are the source of truth for invoices. */
  proBaseAmountCents: number;
  proPer1000AmountCents: number;
  meterEventName: string;
}

/** What the API and the billing service share: Stripe access, plan prices, payment policy. */
export interface BillingSettings {
  stripe: StripeConfig;
  plans: BillingPlansConfig;
  /** After a failed payment the tenant keeps its plan this long, then falls back to Free limits. */
  gracePeriodMs: number;
}

export interface BillingConfig extends BillingSettings {
  env: RuntimeEnv;
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** null = the webhook service runs alone, without usage reporting (tests of the HTTP surface). */
  database: DatabaseConfig | null;
  temporal: TemporalConfig;
  /** Task queue of the billing worker (usage reporting and grace-period schedule). */
  taskQueue: string;
  /** How often the usage-reporting schedule runs. */
  reportIntervalMs: number;
  tracing: TracingConfig;
}

const DAY_MS = 86_400_000;

export function readBillingSettings(r: EnvReader, env: RuntimeEnv): BillingSettings {
  const secretKey = r.string('STRIPE_SECRET_KEY') ?? null;
  const apiBase = r.string('STRIPE_API_BASE') ?? null;
  if (apiBase !== null && !/^https?:\/\/[^/]+\/?$/.test(apiBase)) {
    r.problems.push(
      `STRIPE_API_BASE must be an origin like http://127.0.0.1:12111, got "${apiBase}"`,
    );
  }
  // The placeholder price ids only make sense against stripe-mock; a live key needs real ones.
  const priceId = (name: string, fallback: string) =>
    env === 'production' && secretKey ? r.required(name) : r.string(name, fallback);
  return {
    gracePeriodMs: r.int('HERALD_BILLING_GRACE_DAYS', 7, { min: 0, max: 90 }) * DAY_MS,
    stripe: {
      secretKey,
      webhookSecret: r.string('STRIPE_WEBHOOK_SECRET') ?? null,
      apiBase: apiBase?.replace(/\/$/, '') ?? null,
      webhookToleranceSec: r.int('STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300, { min: 1, max: 3600 }),
    },
    plans: {
      freeMonthlyMessages: r.int('HERALD_FREE_MONTHLY_MESSAGES', 10_000, { min: 0 }),
      proBasePriceId: priceId('STRIPE_PRICE_PRO_BASE', 'price_herald_pro_base'),
      proMeteredPriceId: priceId('STRIPE_PRICE_PRO_METERED', 'price_herald_pro_metered'),
      proBaseAmountCents: r.int('HERALD_PRO_BASE_AMOUNT_CENTS', 4_900, { min: 0 }),
      proPer1000AmountCents: r.int('HERALD_PRO_PER_1000_AMOUNT_CENTS', 50, { min: 0 }),
      meterEventName: r.string('STRIPE_METER_EVENT_NAME', 'herald_messages'),
    },
  };
}

export function readBillingConfig(r: EnvReader, env: RuntimeEnv): BillingConfig {
  return {
    env,
    host: r.string('HERALD_BILLING_HOST', '127.0.0.1'),
    port: r.int('HERALD_BILLING_PORT', 4100, { min: 0, max: 65535 }),
    logLevel: r.oneOf('HERALD_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    database: r.string('DATABASE_URL') === undefined ? null : readDatabaseConfig(r),
    temporal: readTemporalConfig(r),
    taskQueue: r.string('HERALD_BILLING_TASK_QUEUE', 'herald-billing'),
    reportIntervalMs:
      r.int('HERALD_USAGE_REPORT_INTERVAL_SECONDS', 300, { min: 10, max: 86_400 }) * 1000,
    tracing: readTracingConfig(r, 'herald-billing'),
    ...readBillingSettings(r, env),
  };
}

export function loadBillingConfig(env: Env = process.env): BillingConfig {
  const r = new EnvReader(env);
  const runtimeEnv = r.oneOf<RuntimeEnv>(
    'HERALD_ENV',
    ['development', 'test', 'production'],
    env.NODE_ENV === 'production' ? 'production' : 'development',
  );
  const config = readBillingConfig(r, runtimeEnv);
  r.done();
  return config;
}
