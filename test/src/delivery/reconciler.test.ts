import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, FAST_RETRIES, startStack, type Stack } from '../support/stack';
import { deliveryOf, domain, sleep, Tenant } from './helpers';

/*
 * A crash between the API's commit and its hand-off to Temporal leaves a PENDING delivery that no
 * lane knows about. The reconciler (every HERALD_RECONCILE_INTERVAL, for deliveries overdue by
 * HERALD_RECONCILE_AFTER; both 2 s in FAST_RETRIES) must find it and get it delivered.
 */
const RECONCILE_AFTER_MS = 2_000;

let stack: Stack;
let tenant: Tenant;
let receiver: Receiver;

/** Writes a message and its PENDING delivery the way the API would, but signals no lane. */
async function insertUnsignalled(
  appId: string,
  endpointId: string,
  payload: Record<string, unknown>,
  dueSecondsAgo: number,
) {
  const messageId = domain.newId('msg');
  const deliveryId = domain.newId('dlv');
  await stack.db.withSystem(async (m) => {
    await m.query(
      `INSERT INTO messages (id, tenant_id, application_id, event_type, payload) VALUES ($1, $2, $3, 'order.paid', $4::jsonb)`,
      [messageId, tenant.tenantId, appId, JSON.stringify(payload)],
    );
    await m.query(
      `INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status, attempt_count, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', 0, now() - make_interval(secs => $6))`,
      [deliveryId, tenant.tenantId, appId, messageId, endpointId, dueSecondsAgo],
    );
  });
  return { messageId, deliveryId, insertedAt: Date.now() };
}

beforeAll(async () => {
  stack = await startStack();
  tenant = await Tenant.create(stack);
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

describe('reconciler', () => {
  it('delivers PENDING deliveries that were never handed to a lane', async () => {
    expect([FAST_RETRIES.HERALD_RECONCILE_AFTER, FAST_RETRIES.HERALD_RECONCILE_INTERVAL]).toEqual([
      '2s',
      '2s',
    ]);
    const appId = await tenant.createApplication('Reconcile');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    // A second endpoint, so that waking the first one's lane cannot deliver its work early.
    const otherEndpointId = await tenant.createEndpoint(appId, receiver.url);
    // Overdue for a while (a crash long ago), and due just now (a crash a moment ago).
    const overdue = await insertUnsignalled(appId, endpointId, { crash: 'long ago' }, 60);
    const fresh = await insertUnsignalled(appId, otherEndpointId, { crash: 'just now' }, 0);

    await eventually(
      async () => (await deliveryOf(stack, overdue.messageId, endpointId))?.status === 'SUCCEEDED',
      {
        timeoutMs: 10_000,
      },
    );
    await eventually(
      async () =>
        (await deliveryOf(stack, fresh.messageId, otherEndpointId))?.status === 'SUCCEEDED',
      {
        timeoutMs: 12_000,
      },
    );

    const byId = new Map(receiver.requests.map((r) => [String(r.headers['webhook-id']), r]));
    const overdueReq = byId.get(overdue.messageId)!;
    const freshReq = byId.get(fresh.messageId)!;
    expect(overdueReq.receivedAt - overdue.insertedAt).toBeLessThan(10_000);
    // Not before it is overdue by RECONCILE_AFTER: a normal hand-off gets that long (and no lane
    // of that endpoint was running to pick it up sooner).
    expect(freshReq.receivedAt - fresh.insertedAt).toBeGreaterThanOrEqual(RECONCILE_AFTER_MS - 100);
    expect(freshReq.receivedAt - fresh.insertedAt).toBeLessThan(12_000);

    // A regular, signed delivery of the stored payload.
    const secret = await tenant.secret(endpointId);
    expect(
      new Webhook(secret).verify(overdueReq.body, {
        'webhook-id': String(overdueReq.headers['webhook-id']),
        'webhook-timestamp': String(overdueReq.headers['webhook-timestamp']),
        'webhook-signature': String(overdueReq.headers['webhook-signature']),
      }),
    ).toEqual({ crash: 'long ago' });
    const [attempt] = await tenant.attempts({ messageId: overdue.messageId });
    expect(attempt).toMatchObject({
      deliveryId: overdue.deliveryId,
      status: 'SUCCEEDED',
      trigger: 'SCHEDULED',
      httpStatus: 200,
    });
    expect((await deliveryOf(stack, overdue.messageId, endpointId))?.attempt_count).toBe(1);

    // Once delivered, later reconciler runs leave them alone: one request each.
    await sleep(4_500);
    expect(
      receiver.requests.filter((r) => r.headers['webhook-id'] === overdue.messageId),
    ).toHaveLength(1);
    expect(
      receiver.requests.filter((r) => r.headers['webhook-id'] === fresh.messageId),
    ).toHaveLength(1);
  });
});
