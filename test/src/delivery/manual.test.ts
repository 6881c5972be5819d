import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { deliveryOf, deliveryRows, sleep, Tenant, waitForStatuses } from './helpers';

/*
 * Operator actions: resend, retry, recover, delete. Manual sends go out once and never
 * reschedule; recovery starts a fresh schedule; deleting an endpoint cancels what is pending.
 */
let stack: Stack;
let tenant: Tenant;
let other: Tenant;
const receivers: Receiver[] = [];

const RESEND = `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id status } }`;
const RETRY = `mutation($id: ID!) { retryDelivery(id: $id) { id status } }`;
const RECOVER = `mutation($id: ID!, $since: DateTimeISO!) { recoverEndpoint(id: $id, since: $since) }`;

async function receiver(...args: Parameters<typeof Receiver.start>): Promise<Receiver> {
  const r = await Receiver.start(...args);
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  stack = await startStack();
  tenant = await Tenant.create(stack, 'Owner');
  other = await Tenant.create(stack, 'Other');
});
afterAll(async () => {
  for (const r of receivers) await r.close().catch(() => undefined);
  await stack?.stop();
});

describe('manual delivery control', () => {
  it('resendMessage sends a SUCCEEDED delivery again with the same webhook-id as a MANUAL attempt', async () => {
    const rx = await receiver();
    const appId = await tenant.createApplication('Resend');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 1 } });
    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.status === 'SUCCEEDED',
    );
    expect(rx.requests).toHaveLength(1);

    const resent = await tenant.ok(RESEND, { m: messageId, e: endpointId });
    expect(resent.resendMessage.id).toBe((await deliveryOf(stack, messageId, endpointId))!.id);
    await rx.waitFor(2);
    expect(rx.requests.map((r) => r.headers['webhook-id'])).toEqual([messageId, messageId]);
    expect(JSON.parse(rx.requests[1].body)).toEqual({ n: 1 });

    await eventually(async () => (await tenant.attempts({ messageId })).length === 2);
    const [manual, scheduled] = await tenant.attempts({ messageId });
    expect(manual).toMatchObject({ trigger: 'MANUAL', status: 'SUCCEEDED', httpStatus: 200 });
    expect(scheduled).toMatchObject({ trigger: 'SCHEDULED', status: 'SUCCEEDED' });
    expect((await deliveryOf(stack, messageId, endpointId))?.status).toBe('SUCCEEDED');
    await sleep(500);
    expect(rx.requests).toHaveLength(2);
  });

  it('retryDelivery of an EXHAUSTED delivery sends once and does not reschedule', async () => {
    const rx = await receiver((_req, res) => void res.writeHead(503).end());
    const appId = await tenant.createApplication('Retry');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 2 } });
    const [exhausted] = await waitForStatuses(stack, endpointId, 1, ['EXHAUSTED']);
    expect(rx.requests).toHaveLength(4);

    const retried = await tenant.ok(RETRY, { id: exhausted.id });
    expect(retried.retryDelivery.id).toBe(exhausted.id);
    await rx.waitFor(5);
    expect(rx.requests[4].headers['webhook-id']).toBe(messageId);
    await eventually(async () => (await tenant.attempts({ messageId })).length === 5);
    const [manual] = await tenant.attempts({ messageId });
    expect(manual).toMatchObject({ trigger: 'MANUAL', status: 'FAILED', httpStatus: 503 });

    // Longer than the whole test schedule (0.3 + 0.6 + 0.9 s): nothing more comes.
    await sleep(2_500);
    expect(rx.requests).toHaveLength(5);
    const row = await deliveryOf(stack, messageId, endpointId);
    expect(row?.status).toBe('EXHAUSTED');
    expect(row?.next_attempt_at).toBeNull();
    expect(await tenant.attempts({ messageId })).toHaveLength(5);
  });

  it('recoverEndpoint re-sends the deliveries that failed since the given time and returns their count', async () => {
    let healthy = false;
    const rx = await receiver((_req, res) => void res.writeHead(healthy ? 200 : 500).end());
    const appId = await tenant.createApplication('Recover');
    const endpointId = await tenant.createEndpoint(appId, rx.url);

    // One failure from before `since`, which must stay as it is.
    const older = await tenant.send(appId, { payload: { n: 'older' } });
    await eventually(
      async () => (await deliveryOf(stack, older, endpointId))?.status === 'EXHAUSTED',
    );
    await sleep(50);
    const since = new Date();
    await sleep(50);
    const recent = await tenant.sendBatch(
      appId,
      Array.from({ length: 3 }, (_, n) => ({ payload: { n } })),
    );
    await waitForStatuses(stack, endpointId, 4, ['EXHAUSTED']);
    const failedRequests = rx.requests.length;
    expect(failedRequests).toBe(16);

    healthy = true;
    const recovered = await tenant.ok(RECOVER, { id: endpointId, since: since.toISOString() });
    expect(recovered.recoverEndpoint).toBe(3);

    await eventually(async () => {
      const rows = await deliveryRows(stack, { endpointId });
      return rows.filter((r) => r.status === 'SUCCEEDED').length === 3;
    });
    const rows = await deliveryRows(stack, { endpointId });
    const byMessage = new Map(rows.map((r) => [r.message_id, r]));
    for (const id of recent)
      expect(byMessage.get(id)).toMatchObject({ status: 'SUCCEEDED', attempt_count: 1 });
    expect(byMessage.get(older)?.status).toBe('EXHAUSTED');
    const afterRecovery = rx.requests.slice(failedRequests).map((r) => r.headers['webhook-id']);
    expect([...afterRecovery].sort()).toEqual([...recent].sort());
  });

  it('deleteEndpoint cancels its pending deliveries and sends nothing more', async () => {
    // Retry-After parks the retry for 3 s: long enough to delete the endpoint meanwhile.
    const rx = await receiver((_req, res) => void res.writeHead(503, { 'retry-after': '3' }).end());
    const appId = await tenant.createApplication('Delete');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 3 } });
    await rx.waitFor(1);
    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.attempt_count === 1,
    );
    expect((await deliveryOf(stack, messageId, endpointId))?.status).toBe('PENDING');

    const deleted = await tenant.ok(`mutation($id: ID!) { deleteEndpoint(id: $id) }`, {
      id: endpointId,
    });
    expect(deleted.deleteEndpoint).toBe(endpointId);
    const row = await deliveryOf(stack, messageId, endpointId);
    expect(row?.status).toBe('CANCELLED');
    expect(row?.next_attempt_at).toBeNull();

    // Past the time the retry was due.
    await sleep(4_000);
    expect(rx.requests).toHaveLength(1);
    expect((await deliveryOf(stack, messageId, endpointId))?.status).toBe('CANCELLED');
  });

  it('disableEndpoint makes the lane give up a delivery waiting for its retry (FAILED, nothing more sent)', async () => {
    const rx = await receiver((_req, res) => void res.writeHead(503, { 'retry-after': '2' }).end());
    const appId = await tenant.createApplication('Disable');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 5 } });
    await eventually(
      async () => (await deliveryOf(stack, messageId, endpointId))?.attempt_count === 1,
    );

    await tenant.ok(
      `mutation($id: ID!) { disableEndpoint(id: $id, reason: "maintenance") { disabled } }`,
      { id: endpointId },
    );
    // The retry comes due 2 s after the failure; the lane then finds the endpoint disabled. The
    // reconciler (2 s + 2 s) has also run by the end of this wait.
    const row = await eventually(
      async () => {
        const r = await deliveryOf(stack, messageId, endpointId);
        return r?.status !== 'PENDING' ? r : null;
      },
      { timeoutMs: 8_000 },
    ).catch(async () => deliveryOf(stack, messageId, endpointId));
    expect(row).toMatchObject({ status: 'FAILED', next_attempt_at: null, attempt_count: 1 });
    expect(rx.requests).toHaveLength(1);
  });

  it("answers NOT_FOUND for another tenant's messages, deliveries and endpoints", async () => {
    const rx = await receiver();
    const appId = await tenant.createApplication('Private');
    const endpointId = await tenant.createEndpoint(appId, rx.url);
    const messageId = await tenant.send(appId, { payload: { n: 4 } });
    const row = await eventually(async () => {
      const r = await deliveryOf(stack, messageId, endpointId);
      return r?.status === 'SUCCEEDED' ? r : null;
    });

    const attemptsBefore = (await tenant.attempts({ messageId })).length;
    const results = [
      await other.gql(RESEND, { m: messageId, e: endpointId }),
      await other.gql(RETRY, { id: row!.id }),
      await other.gql(RECOVER, { id: endpointId, since: new Date(0).toISOString() }),
    ];
    for (const result of results) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    await sleep(1_000);
    expect(rx.requests).toHaveLength(1);
    expect(await tenant.attempts({ messageId })).toHaveLength(attemptsBefore);
    expect((await deliveryOf(stack, messageId, endpointId))?.status).toBe('SUCCEEDED');
  });
});
