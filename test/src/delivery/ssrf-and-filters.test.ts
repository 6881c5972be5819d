import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { startStack, type Stack } from '../support/stack';
import { deliveryRows, sleep, Tenant, waitForStatuses } from './helpers';

/*
 * Two guards: the worker's connect-time SSRF check (independent of what the API accepted when the
 * endpoint was saved), and routing at fan-out (event types, channels, payload filters).
 */

describe('connect-time SSRF guard', () => {
  let stack: Stack;
  let tenant: Tenant;
  let receiver: Receiver;

  beforeAll(async () => {
    stack = await startStack({
      // The API lets loopback (and the name localhost) be saved; the worker allows nothing.
      apiEnv: { HERALD_SSRF_ALLOWLIST: '127.0.0.0/8,::1/128,localhost' },
      workerEnv: { HERALD_SSRF_ALLOWLIST: '' },
    });
    tenant = await Tenant.create(stack);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  for (const [label, url] of [
    ['an IP literal', () => receiver.url],
    ['a host name resolving to loopback', () => receiver.url.replace('127.0.0.1', 'localhost')],
  ] as const) {
    it(`refuses to connect to ${label} the worker does not allow`, async () => {
      const appId = await tenant.createApplication(`SSRF ${label}`);
      const endpointId = await tenant.createEndpoint(appId, url());
      const messageId = await tenant.send(appId, { payload: { n: 1 } });

      const [row] = await waitForStatuses(stack, endpointId, 1, [
        'EXHAUSTED',
        'FAILED',
        'SUCCEEDED',
      ]);
      expect(row.status).not.toBe('SUCCEEDED');
      const attempts = await tenant.attempts({ messageId });
      expect(attempts.length).toBeGreaterThanOrEqual(1);
      for (const attempt of attempts) {
        expect(attempt).toMatchObject({ status: 'FAILED', errorKind: 'ssrf', httpStatus: null });
      }
      expect(receiver.requests).toHaveLength(0);
    });
  }
});

describe('routing at fan-out', () => {
  let stack: Stack;
  let tenant: Tenant;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startStack();
    tenant = await Tenant.create(stack);
  });
  afterAll(async () => {
    for (const r of receivers) await r.close().catch(() => undefined);
    await stack?.stop();
  });

  it('sends each message only to endpoints whose payload filter, event types and channels match', async () => {
    const appId = await tenant.createApplication('Routing');
    const endpoints: Record<string, { receiver: Receiver; id: string }> = {};
    const routes: Record<string, Record<string, unknown>> = {
      big: { payloadFilter: { 'data.amount': { $gt: 100 } } },
      invoices: { eventTypes: ['invoice.paid'] },
      eu: { channels: ['eu'] },
      all: {},
    };
    for (const [name, extra] of Object.entries(routes)) {
      const receiver = await Receiver.start();
      receivers.push(receiver);
      endpoints[name] = { receiver, id: await tenant.createEndpoint(appId, receiver.url, extra) };
    }

    const sent = {
      small: await tenant.send(appId, {
        eventType: 'order.paid',
        payload: { name: 'small', data: { amount: 50 } },
      }),
      bigEu: await tenant.send(appId, {
        eventType: 'order.paid',
        payload: { name: 'bigEu', data: { amount: 150 } },
        channels: ['eu'],
      }),
      invoiceUs: await tenant.send(appId, {
        eventType: 'invoice.paid',
        payload: { name: 'invoiceUs', data: { amount: 500 } },
        channels: ['us'],
      }),
      // $gt is strict: 100 does not pass.
      invoiceBoth: await tenant.send(appId, {
        eventType: 'invoice.paid',
        payload: { name: 'invoiceBoth', data: { amount: 100 } },
        channels: ['eu', 'us'],
      }),
      stringAmount: await tenant.send(appId, {
        eventType: 'order.paid',
        payload: { name: 'stringAmount', data: { amount: '500' } },
      }),
    };
    const expected: Record<string, (keyof typeof sent)[]> = {
      big: ['bigEu', 'invoiceUs'],
      invoices: ['invoiceUs', 'invoiceBoth'],
      eu: ['bigEu', 'invoiceBoth'],
      all: ['small', 'bigEu', 'invoiceUs', 'invoiceBoth', 'stringAmount'],
    };

    for (const [name, names] of Object.entries(expected))
      await endpoints[name].receiver.waitFor(names.length, 15_000);
    // Time for anything unexpected to arrive too.
    await sleep(1_000);

    for (const [name, names] of Object.entries(expected)) {
      const got = endpoints[name].receiver.requests.map(
        (r) => (JSON.parse(r.body) as { name: string }).name,
      );
      expect({ endpoint: name, got: [...got].sort() }).toEqual({
        endpoint: name,
        got: [...names].sort(),
      });
      // Decided at fan-out: no delivery row at all for a message that does not match.
      const rows = await deliveryRows(stack, { endpointId: endpoints[name].id });
      expect({ endpoint: name, rows: rows.map((r) => r.message_id).sort() }).toEqual({
        endpoint: name,
        rows: names.map((n) => sent[n]).sort(),
      });
      expect(rows.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    }
  });
});
