import { loadBillingConfig } from '@herald/config';
import { createLogger } from '@herald/observability';
import { createBillingServer } from './server';
import { definePlans } from '@herald/billing-core';
import { MemoryBillingStore } from '@herald/billing-core';

/**
 * Standalone billing webhook receiver. Development only for now: state is in memory until the
 * PostgreSQL store and the API callbacks land (see README.md).
 */
async function main(): Promise<void> {
  const config = loadBillingConfig();
  const logger = createLogger(config.logLevel, { service: 'billing' });
  const store = new MemoryBillingStore();
  const log =
    (what: string) =>
    async (event: object): Promise<void> =>
      logger.info(`stripe: ${what}`, { ...event });
  const server = createBillingServer({
    stripeConfigured: config.stripe.secretKey !== null,
    logger,
    webhook: {
      webhookSecret: config.stripe.webhookSecret,
      toleranceSec: config.stripe.webhookToleranceSec,
      events: store,
      customers: store,
      plans: definePlans(config.plans),
      logger,
      callbacks: {
        checkoutCompleted: log('checkout completed'),
        subscriptionChanged: log('subscription changed'),
        invoicePaid: log('invoice paid'),
        invoicePaymentFailed: log('invoice payment failed'),
      },
    },
  });
  logger.warn('billing is using in-memory storage; state is lost on restart');
  server.listen(config.port, config.host, () =>
    logger.info('billing listening', { host: config.host, port: config.port }),
  );
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
