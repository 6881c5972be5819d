import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { deliveryRows, sleep, Tenant, waitForQuiet, waitForStatuses } from './helpers';

/*
 * The circuit breaker and auto-disable, seen from the receiver: an open circuit sends nothing
 * but one probe per cooldown; an endpoint failing without a break for long enough is disabled.
 */

describe('circuit breaker', () => {
  const COOLDOWN_MS = 2_000;
  let stack: Stack;
  let tenant: Tenant;
  let receiver: Receiver;

  beforeAll(async () => {
    stack = await startStack({
      workerEnv: {
        HERALD_CIRCUIT_FAILURE_THRESHOLD: '3',
        HERALD_CIRCUIT_COOLDOWN: '2s',
        // Enough attempts that probes never exhaust a delivery before the receiver recovers.
        HERALD_RETRY_SCHEDULE: '0,300ms,600ms,900ms,1s,1s,1s,1s,1s,1s',
      },
    });
    tenant = await Tenant.create(stack);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  it('sends only one probe per cooldown once open, and delivers everything after the receiver recovers', async () => {
    let healthy = false;
    receiver = await Receiver.start((_req, res) => void res.writeHead(healthy ? 200 : 503).end());
    const appId = await tenant.createApplication('Circuit');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    const messageIds = await tenant.sendBatch(
      appId,
      Array.from({ length: 10 }, (_, seq) => ({ payload: { seq } })),
    );

    // The first attempts fail; at the third failure the circuit opens and the receiver goes quiet,
    // although retries were due 300 ms later.
    const lastBeforeOpen = await waitForQuiet(receiver, 1_200, {
      minRequests: 3,
      timeoutMs: 15_000,
    });
    const burst = receiver.requests.length;
    expect(burst).toBeGreaterThanOrEqual(3);
    expect(burst).toBeLessThanOrEqual(10);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(burst);

    // One probe, no sooner than the cooldown.
    await receiver.waitFor(burst + 1, 10_000);
    const probe = receiver.requests[burst];
    expect(probe.receivedAt - lastBeforeOpen).toBeGreaterThanOrEqual(COOLDOWN_MS - 50);
    expect(probe.receivedAt - lastBeforeOpen).toBeLessThan(COOLDOWN_MS + 6_000);
    // The probe failed: the circuit opens again, and nothing follows it for at least a cooldown.
    await sleep(COOLDOWN_MS - 200 - (Date.now() - probe.receivedAt));
    expect(receiver.requests).toHaveLength(burst + 1);

    // Recovery: the next probe succeeds, the circuit closes and everything is delivered.
    healthy = true;
    await receiver.waitFor(burst + 2, 15_000);
    const secondProbe = receiver.requests[burst + 1];
    expect(secondProbe.receivedAt - probe.receivedAt).toBeGreaterThanOrEqual(COOLDOWN_MS - 50);
    const rows = await waitForStatuses(stack, endpointId, 10, ['SUCCEEDED'], 20_000);
    expect(rows.map((r) => r.message_id).sort()).toEqual([...messageIds].sort());
    // Every message reached the receiver with a 200 at some point.
    const succeededIds = new Set(
      receiver.requests.slice(burst + 1).map((r) => r.headers['webhook-id']),
    );
    for (const id of messageIds) expect(succeededIds.has(id)).toBe(true);
  });
});

describe('auto-disable', () => {
  let stack: Stack;
  let tenant: Tenant;
  let receiver: Receiver;

  beforeAll(async () => {
    stack = await startStack({
      workerEnv: {
        HERALD_AUTO_DISABLE_AFTER: '2s',
        // Long enough not to be exhausted before the 2 s of continuous failure are up.
        HERALD_RETRY_SCHEDULE:
          '0,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms,400ms',
      },
    });
    tenant = await Tenant.create(stack);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  it('disables an endpoint that keeps failing and fails its pending deliveries', async () => {
    receiver = await Receiver.start((_req, res) => void res.writeHead(503).end('down'));
    const appId = await tenant.createApplication('Auto-disable');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    await tenant.sendBatch(
      appId,
      Array.from({ length: 3 }, (_, seq) => ({ payload: { seq } })),
    );
    const started = Date.now();

    const endpoint = await eventually(
      async () => {
        const e = await tenant.endpoint(endpointId);
        return e.disabled ? e : null;
      },
      { timeoutMs: 15_000 },
    );
    const disabledAfter = Date.now() - started;
    expect(disabledAfter).toBeGreaterThanOrEqual(2_000);
    expect(endpoint!.disabledReason).toMatch(/fail/i);

    const rows = await waitForStatuses(stack, endpointId, 3, ['FAILED'], 10_000);
    expect(rows.every((r) => r.next_attempt_at === null)).toBe(true);
    // Still attempts to spare on the schedule, so these are not exhaustions.
    expect(rows.every((r) => r.attempt_count < 15)).toBe(true);

    // Nothing is sent to a disabled endpoint.
    const seen = receiver.requests.length;
    await sleep(1_500);
    expect(receiver.requests).toHaveLength(seen);
    expect((await deliveryRows(stack, { endpointId })).every((r) => r.status === 'FAILED')).toBe(
      true,
    );
  });
});
