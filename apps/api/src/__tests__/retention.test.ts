import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

const { DeliveryControlService } = createRequire(__filename)(
  '../../dist/modules/delivery/delivery.service.js',
) as typeof import('../modules/delivery/delivery.service');

let api: TestApi;
let apiKey: string;
let tenantId: string;

beforeAll(async () => {
  api = await startTestApi();
  // A dispatcher that accepts, so a refused resend is refused for the payload, not for the
  // missing Temporal.
  api.server.services.deliveries = new DeliveryControlService(api.db, {
    enabled: true,
    dispatch: () => undefined,
  });
  ({ apiKey, tenantId } = await api.createTenant('Retention Co'));
  await api.ok(`mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`, {}, apiKey);
  await api.ok(
    `mutation { createEndpoint(input: { application: "a", url: "http://127.0.0.1:9/r" }) { id } }`,
    {},
    apiKey,
  );
});
afterAll(() => api?.stop());

async function send(note: string) {
  return (
    await api.ok(
      `mutation($p: JSONObject!) { sendMessage(input: { application: "a", eventType: "x.y", payload: $p }) {
        message { id deliveries { id endpointId status } } } }`,
      { p: { note } },
      apiKey,
    )
  ).sendMessage.message;
}

describe('expungeMessagePayload', () => {
  it('removes the payload, keeps the message and its attempts, and cancels what is pending', async () => {
    const message = await send('secret-payload-text');
    const deliveryId = message.deliveries[0].id;
    await api.db.withSystem((m) =>
      m.query(
        `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, http_status, duration_ms)
         VALUES ('atm_RETENTION000000000000000', $1, $2, $3, $4, 'FAILED', 'SCHEDULED', 500, 7)`,
        [tenantId, deliveryId, message.id, message.deliveries[0].endpointId],
      ),
    );

    const expunged = (
      await api.ok(
        `mutation($id: ID!) { expungeMessagePayload(id: $id) { id payload payloadExpungedAt eventType } }`,
        { id: message.id },
        apiKey,
      )
    ).expungeMessagePayload;
    expect(expunged).toMatchObject({ id: message.id, payload: null, eventType: 'x.y' });
    const at = new Date(expunged.payloadExpungedAt).getTime();
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);

    const [row] = await api.db.withSystem((m) =>
      m.query(`SELECT payload FROM messages WHERE id = $1`, [message.id]),
    );
    expect(row.payload).toBeNull();
    const stored = JSON.stringify(
      await api.db.withSystem((m) => m.query(`SELECT * FROM messages WHERE id = $1`, [message.id])),
    );
    expect(stored).not.toContain('secret-payload-text');

    const read = await api.ok(
      `query($id: ID!) { message(id: $id) { payload payloadExpungedAt deliveries { status } } attempts(messageId: $id) { nodes { httpStatus } } }`,
      { id: message.id },
      apiKey,
    );
    expect(read.message.payload).toBeNull();
    expect(read.message.deliveries).toEqual([{ status: 'CANCELLED' }]);
    expect(read.attempts.nodes).toEqual([{ httpStatus: 500 }]);

    // Idempotent: the first expunge time stays.
    const again = (
      await api.ok(
        `mutation($id: ID!) { expungeMessagePayload(id: $id) { payloadExpungedAt } }`,
        { id: message.id },
        apiKey,
      )
    ).expungeMessagePayload;
    expect(again.payloadExpungedAt).toBe(expunged.payloadExpungedAt);
  });

  it('refuses to send an expunged message again', async () => {
    const message = await send('gone soon');
    await api.ok(
      `mutation($id: ID!) { expungeMessagePayload(id: $id) { id } }`,
      { id: message.id },
      apiKey,
    );
    const resend = await api.gql(
      `mutation($m: ID!, $e: ID!) { resendMessage(messageId: $m, endpointId: $e) { id } }`,
      { m: message.id, e: message.deliveries[0].endpointId },
      apiKey,
    );
    expect(codeOf(resend)).toBe('CONFLICT');
    expect(resend.errors?.[0].message).toMatch(/expunged/);
    const retry = await api.gql(
      `mutation($id: ID!) { retryDelivery(id: $id) { id } }`,
      { id: message.deliveries[0].id },
      apiKey,
    );
    expect(codeOf(retry)).toBe('CONFLICT');
  });

  it('answers NOT_FOUND for an unknown message', async () => {
    const result = await api.gql(
      `mutation { expungeMessagePayload(id: "msg_01NOSUCHMESSAGE00000000000") { id } }`,
      {},
      apiKey,
    );
    expect(codeOf(result)).toBe('NOT_FOUND');
  });
});

describe('payload retention setting', () => {
  it('defaults to 30 days and accepts 1 to 3650', async () => {
    expect((await api.ok(`query { payloadRetentionDays }`, {}, apiKey)).payloadRetentionDays).toBe(
      30,
    );
    expect(
      (await api.ok(`mutation { setPayloadRetention(days: 7) }`, {}, apiKey)).setPayloadRetention,
    ).toBe(7);
    expect((await api.ok(`query { payloadRetentionDays }`, {}, apiKey)).payloadRetentionDays).toBe(
      7,
    );
    for (const days of [0, -1, 3651]) {
      const result = await api.gql(
        `mutation($d: Int!) { setPayloadRetention(days: $d) }`,
        { d: days },
        apiKey,
      );
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
    }
    expect((await api.ok(`query { payloadRetentionDays }`, {}, apiKey)).payloadRetentionDays).toBe(
      7,
    );
  });
});
