/**
 * One Temporal dev server for the whole run (in memory, free ports) unless the caller
 * (`npm test` via infra/scripts/test.mjs, or a developer) already gave one.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.HERALD_TEST_TEMPORAL_ADDRESS) return async () => undefined;
  const infra = await import('../../../infra/dev/temporal.mjs');
  const temporal = await infra.ensureTemporal({
    dbFile: null,
    headless: true,
    env: { ...process.env, TEMPORAL_ADDRESS: '' },
  });
  process.env.HERALD_TEST_TEMPORAL_ADDRESS = temporal.address;
  return () => temporal.stop();
}
