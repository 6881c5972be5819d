/**
 * stripe-mock for the billing tests (free loopback port) unless the caller (`npm test` via
 * infra/scripts/test.mjs, or a developer) already gave one.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.HERALD_TEST_STRIPE_MOCK_URL) return async () => undefined;
  const infra = await import('../../../../infra/dev/stripe-mock.mjs');
  const stripeMock = await infra.ensureStripeMock();
  process.env.HERALD_TEST_STRIPE_MOCK_URL = stripeMock.url;
  return () => stripeMock.stop();
}
