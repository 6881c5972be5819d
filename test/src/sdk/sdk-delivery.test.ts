import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';

// The SDK's CommonJS build, as a Node customer would require it.
const sdk = createRequire(__filename)('@herald/sdk') as typeof import('@herald/sdk');

let stack: Stack;
let herald: InstanceType<typeof sdk.Herald>;

beforeAll(async () => {
  stack = await startStack();
  const { apiKey } = await stack.createTenant('SDK');
  herald = new sdk.Herald(apiKey, { baseUrl: stack.url });
});
afterAll(() => stack?.stop());

describe('the SDK against the whole product (API, worker, Temporal)', () => {
  it('publishes through the SDK, the receiver verifies with the SDK, and attempts read back', async () => {
    let verified: unknown = null;
    let secret = '';
    const receiver = await Receiver.start(async (req, res) => {
      try {
        const webhook = new sdk.Webhook(secret);
        verified = (await webhook.verifyJson(req.body, req.headers as Record<string, string>))
          .payload;
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
    const app = await herald.applications.create({ name: 'Customer', uid: 'customer-1' });
    await herald.eventTypes.create({ name: 'invoice.paid', description: 'An invoice was paid' });
    const endpoint = await herald.endpoints.create({ application: app.id, url: receiver.url });
    secret = (await herald.endpoints.getSecret(endpoint.id)).key;

    const sent = await herald.messages.send({
      application: 'customer-1',
      eventType: 'invoice.paid',
      payload: { invoice: 'in_1', amount: 4200 },
    });
    expect(sent.duplicate).toBe(false);
    await receiver.waitFor(1);
    // The receiver records the request before its (asynchronous) verification finishes.
    await eventually(async () => verified !== null);
    expect(verified).toEqual({ invoice: 'in_1', amount: 4200 });

    const attempts = await eventually(async () => {
      const page = await herald.attempts.list({ messageId: sent.message.id });
      return page.items.length > 0 ? page.items : null;
    });
    expect(attempts?.[0]).toMatchObject({
      status: 'SUCCEEDED',
      httpStatus: 204,
      endpointId: endpoint.id,
    });
    const message = await herald.messages.get(sent.message.id);
    expect(message.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    await receiver.close();
  });
});
