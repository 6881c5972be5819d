/**
 * A Temporal dev server and stripe-mock for the run (free loopback ports) unless the caller
 * (`npm test` via infra/scripts/test.mjs, or a developer) already gave them.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  if (!process.env.HERALD_TEST_TEMPORAL_ADDRESS) {
    const infra = await import('../../../../infra/dev/temporal.mjs');
    const temporal = await infra.ensureTemporal({
      dbFile: null,
      headless: true,
      env: { ...process.env, TEMPORAL_ADDRESS: '' },
    });
    process.env.HERALD_TEST_TEMPORAL_ADDRESS = temporal.address;
    stops.push(() => temporal.stop());
  }
  if (!process.env.HERALD_TEST_STRIPE_MOCK_URL) {
    const infra = await import('../../../../infra/dev/stripe-mock.mjs');
    const stripeMock = await infra.ensureStripeMock();
    process.env.HERALD_TEST_STRIPE_MOCK_URL = stripeMock.url;
    stops.push(() => stripeMock.stop());
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
