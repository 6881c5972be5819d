import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { deliveryOf, Tenant, waitForStatuses } from './helpers';

/*
 * How the sender treats receivers that misbehave: hang, throttle, refuse, redirect, or flood the
 * response. The test schedule retries after 300 ms; with lane overhead on a busy machine a plain
 * retry still comes within about 2 s, so the floor is set well above that: a gap ≥ 3 s can only
 * come from the floor (or from Retry-After).
 */
const TIMEOUT_MS = 500;
const THROTTLE_FLOOR_MS = 3000;

let stack: Stack;
let tenant: Tenant;
const receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof Receiver.start>): Promise<Receiver> {
  const r = await Receiver.start(...args);
  receivers.push(r);
  return r;
}

async function endpointTo(url: string): Promise<{ appId: string; endpointId: string }> {
  const appId = await tenant.createApplication('Throttling');
  const endpointId = await tenant.createEndpoint(appId, url);
  return { appId, endpointId };
}

beforeAll(async () => {
  stack = await startStack({
    workerEnv: {
      HERALD_DELIVERY_TIMEOUT: `${TIMEOUT_MS}ms`,
      HERALD_MIN_DELAY_AFTER_THROTTLE: `${THROTTLE_FLOOR_MS}ms`,
    },
  });
  tenant = await Tenant.create(stack);
});
afterAll(async () => {
  for (const r of receivers) await r.close().catch(() => undefined);
  await stack?.stop();
});

describe('timeouts and throttling', () => {
  it('records a receiver that does not answer in time as a timeout and waits at least the throttle floor', async () => {
    // The first request is never answered; the second is.
    const rx = await receiver((req, res) => {
      if (rx.requests.indexOf(req) > 0) res.writeHead(200).end('ok');
    });
    const { appId, endpointId } = await endpointTo(rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 1 } });

    await rx.waitFor(2, 15_000);
    const gap = rx.requests[1].receivedAt - rx.requests[0].receivedAt;
    expect(gap).toBeGreaterThanOrEqual(THROTTLE_FLOOR_MS);
    expect(gap).toBeLessThan(THROTTLE_FLOOR_MS + TIMEOUT_MS + 8_000);
    expect(rx.requests.map((r) => r.headers['webhook-id'])).toEqual([messageId, messageId]);

    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.status === 'SUCCEEDED',
    );
    const [second, first] = await tenant.attempts({ messageId });
    expect(first).toMatchObject({
      status: 'FAILED',
      errorKind: 'timeout',
      httpStatus: null,
      trigger: 'SCHEDULED',
    });
    // Cut off at the configured timeout, not left hanging.
    expect(first.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(first.durationMs).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(second).toMatchObject({ status: 'SUCCEEDED', httpStatus: 200 });
  });

  it('honours Retry-After on a 429: 5 s (above the floor), then 2 s (below it: the floor wins)', async () => {
    const rx = await receiver((req, res) => {
      const index = rx.requests.indexOf(req);
      if (index === 0) res.writeHead(429, { 'retry-after': '5' }).end('slow down');
      else if (index === 1) res.writeHead(429, { 'retry-after': '2' }).end('still slow');
      else res.writeHead(204).end();
    });
    const { appId, endpointId } = await endpointTo(rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 2 } });

    await rx.waitFor(3, 30_000);
    const [a, b, c] = rx.requests.map((r) => r.receivedAt);
    expect(b - a).toBeGreaterThanOrEqual(5_000);
    expect(b - a).toBeLessThan(5_000 + 8_000);
    expect(c - b).toBeGreaterThanOrEqual(2_000);
    expect(c - b).toBeGreaterThanOrEqual(THROTTLE_FLOOR_MS);
    expect(c - b).toBeLessThan(THROTTLE_FLOOR_MS + 8_000);
    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.status === 'SUCCEEDED',
    );
    const [, second, first] = await tenant.attempts({ messageId });
    expect(first).toMatchObject({
      status: 'FAILED',
      httpStatus: 429,
      responseExcerpt: 'slow down',
    });
    expect(second).toMatchObject({
      status: 'FAILED',
      httpStatus: 429,
      responseExcerpt: 'still slow',
    });
  });

  it('keeps the throttle floor after a 429 whose Retry-After is shorter (1 s), or absent', async () => {
    const rx = await receiver((req, res) => {
      const index = rx.requests.indexOf(req);
      if (index === 0) res.writeHead(429, { 'retry-after': '1' }).end();
      else if (index === 1) res.writeHead(429).end();
      else res.writeHead(200).end();
    });
    const { appId, endpointId } = await endpointTo(rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 3 } });

    await rx.waitFor(3, 30_000);
    const [a, b, c] = rx.requests.map((r) => r.receivedAt);
    expect(b - a).toBeGreaterThanOrEqual(THROTTLE_FLOOR_MS);
    expect(c - b).toBeGreaterThanOrEqual(THROTTLE_FLOOR_MS);
    expect(c - a).toBeLessThan(2 * THROTTLE_FLOOR_MS + 10_000);
    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.status === 'SUCCEEDED',
    );
  });

  it('records a refused connection as errorKind refused', async () => {
    const closed = await Receiver.start();
    const url = closed.url;
    await closed.close();
    const { appId, endpointId } = await endpointTo(url);
    const messageId = await tenant.send(appId, { payload: { n: 4 } });

    await eventually(async () => (await tenant.attempts({ messageId })).length >= 1);
    const attempts = await tenant.attempts({ messageId });
    expect(attempts.at(-1)).toMatchObject({
      status: 'FAILED',
      errorKind: 'refused',
      httpStatus: null,
      trigger: 'SCHEDULED',
    });
    // Refusals are retried like any network error, until the schedule runs out.
    const [row] = await waitForStatuses(stack, endpointId, 1, ['EXHAUSTED']);
    expect(row.attempt_count).toBe(4);
    const all = await tenant.attempts({ messageId });
    expect(all).toHaveLength(4);
    expect(all.every((a) => a.errorKind === 'refused' && a.status === 'FAILED')).toBe(true);
  });

  it('does not follow a redirect and counts it as a failed attempt', async () => {
    const target = await receiver();
    const rx = await receiver(
      (_req, res) => void res.writeHead(307, { location: target.url }).end('moved'),
    );
    const { appId, endpointId } = await endpointTo(rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 5 } });

    const [row] = await waitForStatuses(stack, endpointId, 1, ['EXHAUSTED', 'FAILED', 'SUCCEEDED']);
    expect(row.status).not.toBe('SUCCEEDED');
    expect(rx.requests.length).toBeGreaterThanOrEqual(1);
    expect(target.requests).toHaveLength(0);
    const attempts = await tenant.attempts({ messageId });
    expect(attempts.length).toBe(rx.requests.length);
    for (const attempt of attempts)
      expect(attempt).toMatchObject({ status: 'FAILED', httpStatus: 307 });
  });

  it('keeps at most 4 KiB of a 1 MB response body and still succeeds on 200', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const rx = await receiver(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(big),
    );
    const { appId, endpointId } = await endpointTo(rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 6 } });

    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.status === 'SUCCEEDED',
    );
    const attempts = await tenant.attempts({ messageId });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'SUCCEEDED', httpStatus: 200 });
    const excerpt = attempts[0].responseExcerpt ?? '';
    const body = excerpt.replace(/…$/, '');
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
    expect(excerpt.length).toBeLessThanOrEqual(4096 + 1);
    expect(body.length).toBeGreaterThanOrEqual(1024);
    expect(/^x+$/.test(body)).toBe(true);
    expect(rx.requests).toHaveLength(1);
  });
});
