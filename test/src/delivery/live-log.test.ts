import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { deliveryOf, sleep, Tenant } from './helpers';

/*
 * The live delivery log: subscription deliveryEvents(application) over graphql-ws on /graphql,
 * authenticated by an API key in connectionParams, fed by the worker's NOTIFYs.
 */
interface DeliveryEvent {
  deliveryId: string;
  messageId: string;
  applicationId: string;
  endpointId: string;
  status: string;
  attemptId: string | null;
  httpStatus: number | null;
}

interface Subscription {
  events: DeliveryEvent[];
  errors: unknown[];
  completed: boolean;
  client: Client;
}

const SUBSCRIBE = `subscription($app: String!) {
  deliveryEvents(application: $app) { deliveryId messageId applicationId endpointId status attemptId httpStatus }
}`;

let stack: Stack;
let owner: Tenant;
let stranger: Tenant;
let receiver: Receiver;
const clients: Client[] = [];

/** Opens a connection, subscribes, and gives the server a moment to register the listener. */
async function subscribe(key: string | null, application: string): Promise<Subscription> {
  let connected!: () => void;
  const isConnected = new Promise<void>((resolve) => (connected = resolve));
  const client = createClient({
    url: `${stack.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => connected() },
  });
  clients.push(client);
  const sub: Subscription = { events: [], errors: [], completed: false, client };
  client.subscribe<{ deliveryEvents: DeliveryEvent }>(
    { query: SUBSCRIBE, variables: { app: application } },
    {
      next: (result) => {
        if (result.errors) sub.errors.push(...result.errors);
        if (result.data?.deliveryEvents) sub.events.push(result.data.deliveryEvents);
      },
      error: (error) => sub.errors.push(error),
      complete: () => (sub.completed = true),
    },
  );
  await Promise.race([isConnected, sleep(5_000)]);
  await sleep(500);
  return sub;
}

function codesOf(errors: unknown[]): unknown[] {
  return errors
    .flatMap((e) => (Array.isArray(e) ? e : [e]))
    .map((e) => (e as { extensions?: { code?: unknown } })?.extensions?.code);
}

beforeAll(async () => {
  stack = await startStack();
  owner = await Tenant.create(stack, 'Owner');
  stranger = await Tenant.create(stack, 'Stranger');
  let calls = 0;
  // The first request carrying {"flaky": true} fails once.
  receiver = await Receiver.start((req, res) => {
    const flaky = (JSON.parse(req.body) as { flaky?: boolean }).flaky === true;
    res.writeHead(flaky && calls++ === 0 ? 500 : 200).end();
  });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await receiver?.close();
  await stack?.stop();
});

describe('live delivery log', () => {
  it('streams the attempts of an application to a subscriber authenticated by API key', async () => {
    const appId = await owner.createApplication('Live');
    const endpointId = await owner.createEndpoint(appId, receiver.url);
    const sub = await subscribe(owner.key, appId);
    expect(sub.errors).toEqual([]);

    const sentAt = Date.now();
    const messageId = await owner.send(appId, { payload: { n: 1 } });
    const event = (await eventually(
      async () => sub.events.find((e) => e.messageId === messageId && e.status === 'SUCCEEDED'),
      {
        timeoutMs: 10_000,
        intervalMs: 20,
      },
    ))!;
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    const row = await deliveryOf(stack, messageId, endpointId);
    expect(event).toMatchObject({
      deliveryId: row!.id,
      applicationId: appId,
      endpointId,
      httpStatus: 200,
    });
    expect(event.attemptId).toMatch(/^atm_/);
    const attempts = await owner.attempts({ messageId });
    expect(attempts.map((a) => a.id)).toContain(event.attemptId);

    // A failed attempt shows up first (still PENDING, with its status code), then the success.
    const flakyId = await owner.send(appId, { payload: { flaky: true } });
    await eventually(
      async () => sub.events.some((e) => e.messageId === flakyId && e.status === 'SUCCEEDED'),
      { timeoutMs: 10_000 },
    );
    const flakyEvents = sub.events.filter((e) => e.messageId === flakyId);
    expect(flakyEvents.map((e) => [e.status, e.httpStatus])).toEqual([
      ['PENDING', 500],
      ['SUCCEEDED', 200],
    ]);
    expect(new Set(flakyEvents.map((e) => e.attemptId)).size).toBe(2);
    expect(sub.errors).toEqual([]);
  });

  it('reports a pending delivery the lane gives up when its endpoint is disabled (FAILED, no attempt)', async () => {
    // "wait" is parked for 2 s by Retry-After; "gone" then gets a 410, which disables the
    // endpoint, and the lane gives up the parked delivery.
    const rx = await Receiver.start((req, res) => {
      const { kind } = JSON.parse(req.body) as { kind: string };
      if (kind === 'gone') res.writeHead(410).end();
      else res.writeHead(503, { 'retry-after': '2' }).end();
    });
    try {
      const appId = await owner.createApplication('Live abandon');
      const endpointId = await owner.createEndpoint(appId, rx.url);
      const sub = await subscribe(owner.key, appId);
      const parked = await owner.send(appId, { payload: { kind: 'wait' } });
      await eventually(
        async () =>
          sub.events.some(
            (e) => e.messageId === parked && e.status === 'PENDING' && e.httpStatus === 503,
          ),
        {
          timeoutMs: 10_000,
        },
      );
      const gone = await owner.send(appId, { payload: { kind: 'gone' } });
      await eventually(
        async () => (await deliveryOf(stack, parked, endpointId))?.status === 'FAILED',
        { timeoutMs: 10_000 },
      );
      expect((await owner.endpoint(endpointId)).disabled).toBe(true);
      expect(sub.events.find((e) => e.messageId === gone)).toMatchObject({
        status: 'FAILED',
        httpStatus: 410,
      });

      const event = await eventually(
        async () => sub.events.find((e) => e.messageId === parked && e.status === 'FAILED'),
        {
          timeoutMs: 3_000,
        },
      ).catch(() => undefined);
      expect(event, 'a FAILED event for the given-up delivery').toMatchObject({
        messageId: parked,
        endpointId,
        applicationId: appId,
        deliveryId: (await deliveryOf(stack, parked, endpointId))!.id,
        status: 'FAILED',
        attemptId: null,
      });
      expect(
        sub.events.every(
          (e) => typeof e.deliveryId === 'string' && typeof e.messageId === 'string',
        ),
      ).toBe(true);
      expect(rx.requests).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });

  it("refuses a subscription to another tenant's application and sends it nothing", async () => {
    const appId = await owner.createApplication('Private live');
    await owner.createEndpoint(appId, receiver.url);
    const own = await subscribe(owner.key, appId);
    const foreign = await subscribe(stranger.key, appId);
    const anonymous = await subscribe(null, appId);

    await eventually(async () => foreign.errors.length > 0 && anonymous.errors.length > 0, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    const messageId = await owner.send(appId, { payload: { n: 2 } });
    await eventually(
      async () => own.events.some((e) => e.messageId === messageId && e.status === 'SUCCEEDED'),
      { timeoutMs: 10_000 },
    );
    await sleep(500);

    expect(foreign.events).toEqual([]);
    expect(anonymous.events).toEqual([]);
    expect(codesOf(foreign.errors)).toContain('NOT_FOUND');
    expect(codesOf(anonymous.errors)).toContain('UNAUTHENTICATED');
  });
});
