import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { startStack, type Stack } from '../support/stack';
import { InFlight, seqOf, sleep, Tenant, waitForStatuses } from './helpers';

/*
 * Ordering and pacing per endpoint: FIFO endpoints get one request at a time in message order,
 * with a failing head blocking the rest; rate-limited endpoints are paced; others get
 * concurrency (bounded by HERALD_ENDPOINT_CONCURRENCY).
 */
const CONCURRENCY = 8;

let stack: Stack;
let tenant: Tenant;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startStack({ workerEnv: { HERALD_ENDPOINT_CONCURRENCY: String(CONCURRENCY) } });
  tenant = await Tenant.create(stack);
});
afterAll(async () => {
  for (const r of receivers) await r.close().catch(() => undefined);
  await stack?.stop();
});

describe('FIFO endpoints', () => {
  it('delivers one at a time in message order, the failing head blocking those behind it', async () => {
    const inFlight = new InFlight();
    const failuresLeft = new Map([[2, 2]]);
    const succeeded: number[] = [];
    const rx = await Receiver.start(
      inFlight.wrap(async (req, res) => {
        const seq = seqOf(req);
        // Long enough that two overlapping requests would be seen overlapping.
        await sleep(20);
        const left = failuresLeft.get(seq) ?? 0;
        if (left > 0) {
          failuresLeft.set(seq, left - 1);
          res.writeHead(500).end('not yet');
          return;
        }
        succeeded.push(seq);
        res.writeHead(200).end('ok');
      }),
    );
    receivers.push(rx);
    const appId = await tenant.createApplication('FIFO');
    const endpointId = await tenant.createEndpoint(appId, rx.url, { fifo: true });

    const messageIds = await tenant.sendBatch(
      appId,
      Array.from({ length: 20 }, (_, seq) => ({ payload: { seq } })),
    );
    expect(messageIds).toHaveLength(20);

    await rx.waitFor(22, 30_000);
    await waitForStatuses(stack, endpointId, 20, ['SUCCEEDED'], 10_000);
    await sleep(300);

    const arrivals = rx.requests.map(seqOf);
    // First successful receipt strictly increasing: 0, 1, …, 19.
    expect(succeeded).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(inFlight.max).toBe(1);
    // Between the head's first failure and its success nothing behind it arrived.
    const firstOfHead = arrivals.indexOf(2);
    const lastOfHead = arrivals.lastIndexOf(2);
    expect(lastOfHead - firstOfHead).toBe(2);
    expect(arrivals.slice(firstOfHead, lastOfHead + 1)).toEqual([2, 2, 2]);
    expect(arrivals).toEqual([0, 1, 2, 2, 2, ...Array.from({ length: 17 }, (_, i) => i + 3)]);
    // Each webhook-id is its message's, in order.
    const firstReceiptIds = [...new Set(rx.requests.map((r) => String(r.headers['webhook-id'])))];
    expect(firstReceiptIds).toEqual(messageIds);
  });
});

describe('rate limits and concurrency', () => {
  it('paces an endpoint with rateLimitPerSecond: 5', async () => {
    const RATE = 5;
    const COUNT = 30;
    const rx = await Receiver.start();
    receivers.push(rx);
    const appId = await tenant.createApplication('Rate limited');
    const endpointId = await tenant.createEndpoint(appId, rx.url, { rateLimitPerSecond: RATE });
    await tenant.sendBatch(
      appId,
      Array.from({ length: COUNT }, (_, seq) => ({ payload: { seq } })),
    );

    await rx.waitFor(COUNT, 30_000);
    await waitForStatuses(stack, endpointId, COUNT, ['SUCCEEDED'], 10_000);
    const times = rx.requests.map((r) => r.receivedAt);
    const spanMs = times[times.length - 1] - times[0];
    const naiveRate = ((COUNT - 1) / spanMs) * 1000;
    // A limiter may let one second's worth through at once (token bucket with a burst of RATE).
    const sustainedRate = ((COUNT - RATE) / spanMs) * 1000;
    const maxInAnySecond = Math.max(
      ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length),
    );
    console.log(
      `[rate limit] ${COUNT} messages at rateLimitPerSecond=${RATE}: span ${spanMs} ms, ` +
        `(n-1)/span = ${naiveRate.toFixed(2)}/s, (n-${RATE})/span = ${sustainedRate.toFixed(2)}/s, max in any 1 s window = ${maxInAnySecond}`,
    );
    expect(sustainedRate).toBeLessThanOrEqual(RATE * 1.1);
    expect(naiveRate).toBeLessThanOrEqual(RATE * 1.25);
    expect(maxInAnySecond).toBeLessThanOrEqual(2 * RATE);
    // And not throttled into a crawl either.
    expect(spanMs).toBeLessThan(20_000);
  });

  it('sends to an endpoint without a limit concurrently (bounded by the endpoint concurrency)', async () => {
    const COUNT = 200;
    const inFlight = new InFlight();
    const rx = await Receiver.start(
      inFlight.wrap(async (_req, res) => {
        await sleep(30);
        res.writeHead(200).end();
      }),
    );
    receivers.push(rx);
    const appId = await tenant.createApplication('Unlimited');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const started = Date.now();
    const messageIds = await tenant.sendBatch(
      appId,
      Array.from({ length: COUNT }, (_, seq) => ({ payload: { seq } })),
    );

    await rx.waitFor(COUNT, 30_000);
    await waitForStatuses(stack, endpointId, COUNT, ['SUCCEEDED'], 10_000);
    const elapsed = Date.now() - started;
    console.log(
      `[concurrency] ${COUNT} messages without a rate limit: ${elapsed} ms, max in flight ${inFlight.max}`,
    );
    expect(inFlight.max).toBeGreaterThan(1);
    expect(inFlight.max).toBeLessThanOrEqual(CONCURRENCY);
    expect(rx.requests).toHaveLength(COUNT);
    expect(new Set(rx.requests.map((r) => String(r.headers['webhook-id'])))).toEqual(
      new Set(messageIds),
    );
  });
});
