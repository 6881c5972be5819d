import { loadBillingConfig } from '@herald/config';
import {
  BillingService,
  createStripe,
  definePlans,
  PgBillingEffects,
  PgBillingStore,
} from '@herald/billing-core';
import { openDatabase } from '@herald/db';
import { createLogger, startTracing } from '@herald/observability';
import { connectTemporal, temporalTls } from '@herald/temporal';
import { NativeConnection } from '@temporalio/worker';
import { createBillingServer } from './server';
import { createBillingWorker, type BillingWorker } from './worker';

/**
 * The billing service: Stripe's webhooks (`POST /stripe/webhook`) applied to PostgreSQL, and,
 * when Temporal is configured, the worker whose schedule reports usage to Stripe.
 */
async function main(): Promise<void> {
  const config = loadBillingConfig();
  const logger = createLogger(config.logLevel, { app: 'billing' });
  const tracing = startTracing(config.tracing);
  if (!config.database) throw new Error('DATABASE_URL is required by the billing service');
  const db = await openDatabase(config.database);
  const store = new PgBillingStore(db);
  const plans = definePlans(config.plans);
  const stripe = createStripe({
    secretKey: config.stripe.secretKey,
    apiBase: config.stripe.apiBase,
  });
  if (!stripe) logger.warn('STRIPE_SECRET_KEY is not set: billing runs in "not configured" mode');
  const service = new BillingService({
    stripe,
    store,
    plans,
    meterEventName: config.plans.meterEventName,
    logger,
  });

  const server = createBillingServer({
    stripeConfigured: stripe !== null,
    logger,
    ready: () => db.ping(),
    webhook: {
      webhookSecret: config.stripe.webhookSecret,
      toleranceSec: config.stripe.webhookToleranceSec,
      events: store,
      customers: store,
      plans,
      logger,
      callbacks: new PgBillingEffects({ gracePeriodMs: config.gracePeriodMs, logger }),
    },
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  logger.info('billing listening', { host: config.host, port: config.port });

  let worker: BillingWorker | null = null;
  let connections: { close(): Promise<void> }[] = [];
  if (config.temporal.address) {
    const address = config.temporal.address;
    const connection = await NativeConnection.connect({
      address,
      apiKey: config.temporal.apiKey ?? undefined,
      tls: temporalTls(config.temporal),
    });
    const temporal = await connectTemporal({ ...config.temporal, address });
    connections = [temporal.connection, connection];
    worker = await createBillingWorker({
      connection,
      client: temporal.client,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      reportIntervalMs: config.reportIntervalMs,
      activities: { db, store, service, logger },
      logger,
    });
    void worker.run();
    logger.info('usage reporting worker started', { taskQueue: config.taskQueue });
  } else {
    logger.warn('TEMPORAL_ADDRESS is not set: usage is metered but not reported to Stripe');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await worker?.shutdown();
    for (const c of connections) await c.close();
    await db.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
