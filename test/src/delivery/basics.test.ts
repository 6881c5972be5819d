import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
let key: string;
let appId: string;

const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }`;

/** Each test gets an application of its own, so its messages reach only its endpoints. */
async function endpointFor(
  receiver: Receiver,
  extra: Record<string, unknown> = {},
): Promise<string> {
  appId = (
    await stack.ok(`mutation { createApplication(input: { name: "Deliveries" }) { id } }`, {}, key)
  ).createApplication.id;
  return (
    await stack.ok(
      CREATE_ENDPOINT,
      { input: { application: appId, url: receiver.url, ...extra } },
      key,
    )
  ).createEndpoint.id;
}

async function secretOf(endpointId: string): Promise<string> {
  return (
    await stack.ok(`query($id: ID!) { endpointSecret(id: $id) { key } }`, { id: endpointId }, key)
  ).endpointSecret.key;
}

async function send(payload: Record<string, unknown>, eventType = 'order.paid'): Promise<string> {
  return (await stack.ok(SEND, { input: { application: appId, eventType, payload } }, key))
    .sendMessage.message.id;
}

async function deliveryOf(messageId: string, endpointId: string) {
  const rows = await stack.db.withSystem((m) =>
    m.query(
      `SELECT status, attempt_count FROM deliveries WHERE message_id = $1 AND endpoint_id = $2`,
      [messageId, endpointId],
    ),
  );
  return rows[0] as { status: string; attempt_count: number } | undefined;
}

beforeAll(async () => {
  stack = await startStack();
  ({ apiKey: key } = await stack.createTenant());
});
afterAll(() => stack?.stop());

describe('delivery', () => {
  it('delivers first time, signed so the reference library verifies it, with custom headers', async () => {
    const receiver = await Receiver.start();
    const endpointId = await endpointFor(receiver, { headers: { 'X-Customer': 'c-42' } });
    const messageId = await send({ amount: 42, currency: 'EUR' });
    await receiver.waitFor(1);
    const req = receiver.requests[0];
    expect(req.method).toBe('POST');
    expect(req.headers['webhook-id']).toBe(messageId);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toMatch(/^Herald-Webhooks\//);
    expect(req.headers['x-customer']).toBe('c-42');
    expect(JSON.parse(req.body)).toEqual({ amount: 42, currency: 'EUR' });
    const verified = new Webhook(await secretOf(endpointId)).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    });
    expect(verified).toEqual({ amount: 42, currency: 'EUR' });

    await eventually(async () => (await deliveryOf(messageId, endpointId))?.status === 'SUCCEEDED');
    const attempts = await stack.ok(
      `query($m: ID) { attempts(messageId: $m) { nodes { status httpStatus trigger durationMs responseExcerpt requestHeaders } } }`,
      { m: messageId },
      key,
    );
    expect(attempts.attempts.nodes).toHaveLength(1);
    expect(attempts.attempts.nodes[0]).toMatchObject({
      status: 'SUCCEEDED',
      httpStatus: 200,
      trigger: 'SCHEDULED',
      responseExcerpt: 'ok',
    });
    // The receiver got the custom header; the attempt, which viewers read, does not show it.
    const recorded = attempts.attempts.nodes[0].requestHeaders;
    expect(recorded['webhook-signature']).toBe('[redacted]');
    expect(recorded['X-Customer'] ?? recorded['x-customer']).toBe('[redacted]');
    expect(recorded['webhook-id']).toBe(messageId);
    // Attempts are metered with the write that records them (shown in billing, not billed).
    const { billing } = await stack.ok(`query { billing { messages attempts } }`, {}, key);
    expect(billing).toEqual({ messages: 1, attempts: 1 });
    await receiver.close();
  });

  it('retries a 500 and then succeeds with the same webhook-id', async () => {
    let calls = 0;
    const receiver = await Receiver.start((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 500 : 204).end(calls === 1 ? 'boom' : '');
    });
    const endpointId = await endpointFor(receiver);
    const messageId = await send({ n: 1 });
    await receiver.waitFor(2);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([messageId, messageId]);
    const gapMs = receiver.requests[1].receivedAt - receiver.requests[0].receivedAt;
    expect(gapMs).toBeGreaterThanOrEqual(250);
    await eventually(async () => (await deliveryOf(messageId, endpointId))?.status === 'SUCCEEDED');
    expect((await deliveryOf(messageId, endpointId))?.attempt_count).toBe(2);
    const attempts = await stack.ok(
      `query($m: ID) { attempts(messageId: $m) { nodes { status httpStatus responseExcerpt } } }`,
      { m: messageId },
      key,
    );
    expect(attempts.attempts.nodes).toEqual([
      { status: 'SUCCEEDED', httpStatus: 204, responseExcerpt: null },
      { status: 'FAILED', httpStatus: 500, responseExcerpt: 'boom' },
    ]);
    await receiver.close();
  });

  it('exhausts the schedule against a receiver that always fails', async () => {
    const receiver = await Receiver.start((_req, res) => res.writeHead(503).end());
    const endpointId = await endpointFor(receiver);
    const messageId = await send({ n: 2 });
    await eventually(async () => (await deliveryOf(messageId, endpointId))?.status === 'EXHAUSTED');
    // The test schedule has 4 attempts.
    expect(receiver.requests).toHaveLength(4);
    expect((await deliveryOf(messageId, endpointId))?.attempt_count).toBe(4);
    await receiver.close();
  });

  it('disables the endpoint on 410 Gone and does not retry', async () => {
    const receiver = await Receiver.start((_req, res) => res.writeHead(410).end());
    const endpointId = await endpointFor(receiver);
    const messageId = await send({ n: 3 });
    await eventually(async () => (await deliveryOf(messageId, endpointId))?.status === 'FAILED');
    const endpoint = await stack.ok(
      `query($id: ID!) { endpoint(id: $id) { disabled disabledReason } }`,
      { id: endpointId },
      key,
    );
    expect(endpoint.endpoint.disabled).toBe(true);
    expect(endpoint.endpoint.disabledReason).toMatch(/410/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.requests).toHaveLength(1);
    await receiver.close();
  });
});
