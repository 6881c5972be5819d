import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
let key: string;
let ops: Receiver;
let opsSecret: string;

interface OperationalPayload {
  type: string;
  data: {
    endpointId: string;
    messageId?: string;
    applicationId: string;
    lastAttempt?: { responseStatusCode: number | null };
  };
}

const events = (): OperationalPayload[] =>
  ops.requests.map((r) => JSON.parse(r.body) as OperationalPayload);

beforeAll(async () => {
  stack = await startStack({
    workerEnv: {
      HERALD_RETRY_SCHEDULE: '0,100ms,100ms,100ms,100ms,100ms',
      HERALD_FAILING_EVENT_AFTER_ATTEMPTS: '4',
    },
  });
  ({ apiKey: key } = await stack.createTenant());
  const app = (await stack.ok(`mutation { enableOperationalWebhooks { id operational } }`, {}, key))
    .enableOperationalWebhooks;
  expect(app.operational).toBe(true);
  // Enabling twice returns the same application.
  expect(
    (await stack.ok(`mutation { enableOperationalWebhooks { id } }`, {}, key))
      .enableOperationalWebhooks.id,
  ).toBe(app.id);
  ops = await Receiver.start();
  const endpoint = (
    await stack.ok(
      `mutation($a: String!, $u: String!) { createEndpoint(input: { application: $a, url: $u }) { id } }`,
      { a: app.id, u: ops.url },
      key,
    )
  ).createEndpoint;
  opsSecret = (
    await stack.ok(`query($id: ID!) { endpointSecret(id: $id) { key } }`, { id: endpoint.id }, key)
  ).endpointSecret.key;
});
afterAll(async () => {
  await stack?.stop();
  await ops?.close();
});

async function customerEndpoint(
  receiver: Receiver,
): Promise<{ appId: string; endpointId: string }> {
  const appId = (
    await stack.ok(`mutation { createApplication(input: { name: "Customer" }) { id } }`, {}, key)
  ).createApplication.id;
  const endpointId = (
    await stack.ok(
      `mutation($a: String!, $u: String!) { createEndpoint(input: { application: $a, url: $u }) { id } }`,
      { a: appId, u: receiver.url },
      key,
    )
  ).createEndpoint.id;
  return { appId, endpointId };
}

async function send(appId: string): Promise<string> {
  return (
    await stack.ok(
      `mutation($a: String!) { sendMessage(input: { application: $a, eventType: "invoice.paid", payload: { n: 1 } }) { message { id } } }`,
      { a: appId },
      key,
    )
  ).sendMessage.message.id;
}

describe('operational webhooks', () => {
  it('reports failing after the 4th failure, then exhausted, signed for the operational endpoint', async () => {
    const dead = await Receiver.start((_req, res) => res.writeHead(500).end());
    const { endpointId } = await customerEndpoint(dead);
    const messageId = await send(
      (
        await stack.ok(
          `query($id: ID!) { endpoint(id: $id) { applicationId } }`,
          { id: endpointId },
          key,
        )
      ).endpoint.applicationId,
    );
    await eventually(
      async () => events().filter((e) => e.data.endpointId === endpointId).length >= 2,
    );
    const mine = events().filter((e) => e.data.endpointId === endpointId);
    expect(mine.map((e) => e.type)).toEqual([
      'message.attempt.failing',
      'message.attempt.exhausted',
    ]);
    expect(mine[0].data.messageId).toBe(messageId);
    expect(mine[1].data.lastAttempt?.responseStatusCode).toBe(500);
    expect(dead.requests).toHaveLength(6);
    const req = ops.requests.find((r) => JSON.parse(r.body).data.endpointId === endpointId)!;
    expect(() =>
      new Webhook(opsSecret).verify(req.body, req.headers as Record<string, string>),
    ).not.toThrow();
    await dead.close();
  });

  it('reports recovered when a failing delivery finally succeeds', async () => {
    let calls = 0;
    const flaky = await Receiver.start((_req, res) =>
      res.writeHead(++calls <= 4 ? 503 : 200).end(),
    );
    const { appId, endpointId } = await customerEndpoint(flaky);
    await send(appId);
    await eventually(async () =>
      events().some(
        (e) => e.data.endpointId === endpointId && e.type === 'message.attempt.recovered',
      ),
    );
    expect(
      events()
        .filter((e) => e.data.endpointId === endpointId)
        .map((e) => e.type),
    ).toEqual(['message.attempt.failing', 'message.attempt.recovered']);
    await flaky.close();
  });

  it('reports endpoint.disabled when a receiver answers 410', async () => {
    const gone = await Receiver.start((_req, res) => res.writeHead(410).end());
    const { appId, endpointId } = await customerEndpoint(gone);
    await send(appId);
    await eventually(async () =>
      events().some((e) => e.data.endpointId === endpointId && e.type === 'endpoint.disabled'),
    );
    await gone.close();
  });

  it('does not list the operational application among customer applications', async () => {
    const list = await stack.ok(
      `query { applications(first: 100) { nodes { operational } } }`,
      {},
      key,
    );
    expect(list.applications.nodes.every((a: { operational: boolean }) => !a.operational)).toBe(
      true,
    );
  });
});
