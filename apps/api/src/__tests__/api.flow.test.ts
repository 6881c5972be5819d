import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type TestApi } from './harness';

let api: TestApi;
let key: string;

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: key } = await api.createTenant());
});
afterAll(() => api?.stop());

const CREATE_APP = `mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id uid name metadata } }`;
const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { id url eventTypes channels fifo disabled headers } }`;
const SEND = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { duplicate message { id eventType payload channels deliveries { id endpointId status } } } }`;

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('applications', () => {
  it('creates, reads by id and uid, updates, lists and deletes', async () => {
    const { createApplication: app } = await api.ok(
      CREATE_APP,
      { input: { name: 'Customer One', uid: 'cust-1', metadata: { plan: 'gold' } } },
      key,
    );
    expect(app.id).toMatch(/^app_[0-9A-Z]{26}$/);
    expect(app.metadata).toEqual({ plan: 'gold' });

    const byUid = await api.ok(`query { application(uid: "cust-1") { id name } }`, {}, key);
    expect(byUid.application.id).toBe(app.id);

    const updated = await api.ok(
      `mutation($id: ID!) { updateApplication(id: $id, input: { name: "Renamed" }) { name uid } }`,
      { id: app.id },
      key,
    );
    expect(updated.updateApplication).toEqual({ name: 'Renamed', uid: 'cust-1' });

    const dup = await api.gql(CREATE_APP, { input: { name: 'Other', uid: 'cust-1' } }, key);
    expect(codeOf(dup)).toBe('CONFLICT');

    for (let i = 0; i < 5; i++) await api.ok(CREATE_APP, { input: { name: `Paged ${i}` } }, key);
    const page1 = await api.ok(
      `query { applications(first: 3) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
      {},
      key,
    );
    expect(page1.applications.nodes).toHaveLength(3);
    expect(page1.applications.pageInfo.hasNextPage).toBe(true);
    const page2 = await api.ok(
      `query($after: String) { applications(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      { after: page1.applications.pageInfo.endCursor },
      key,
    );
    expect(page2.applications.nodes).toHaveLength(3);
    expect(page2.applications.pageInfo.hasNextPage).toBe(false);
    const all = [...page1.applications.nodes, ...page2.applications.nodes].map(
      (n: { id: string }) => n.id,
    );
    expect(new Set(all).size).toBe(6);
    expect([...all].sort().reverse()).toEqual(all);

    const filtered = await api.ok(
      `query { applications(name: "paged 3") { nodes { name } } }`,
      {},
      key,
    );
    expect(filtered.applications.nodes).toEqual([{ name: 'Paged 3' }]);

    await api.ok(`mutation($id: ID!) { deleteApplication(id: $id) }`, { id: app.id }, key);
    expect(
      codeOf(await api.gql(`query($id: ID) { application(id: $id) { id } }`, { id: app.id }, key)),
    ).toBe('NOT_FOUND');
  });
});

describe('event types', () => {
  it('validates names, schemas and examples; archives', async () => {
    const schema = {
      type: 'object',
      required: ['amount'],
      properties: { amount: { type: 'number' } },
    };
    const created = await api.ok(
      `mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { id name schema archived } }`,
      {
        input: {
          name: 'invoice.paid',
          description: 'An invoice was paid',
          schema,
          example: { amount: 10 },
        },
      },
      key,
    );
    expect(created.createEventType).toMatchObject({ name: 'invoice.paid', archived: false });

    const badName = await api.gql(
      `mutation { createEventType(input: { name: "bad name!" }) { id } }`,
      {},
      key,
    );
    expect(codeOf(badName)).toBe('BAD_USER_INPUT');
    const badSchema = await api.gql(
      `mutation($s: JSONObject) { createEventType(input: { name: "x.y", schema: $s }) { id } }`,
      { s: { type: 'no-such-type' } },
      key,
    );
    expect(codeOf(badSchema)).toBe('BAD_USER_INPUT');
    const badExample = await api.gql(
      `mutation($s: JSONObject, $e: JSON) { createEventType(input: { name: "x.z", schema: $s, example: $e }) { id } }`,
      { s: schema, e: { amount: 'ten' } },
      key,
    );
    expect(codeOf(badExample)).toBe('BAD_USER_INPUT');

    await api.ok(`mutation { archiveEventType(name: "invoice.paid") { archived } }`, {}, key);
    const visible = await api.ok(`query { eventTypes { nodes { name } } }`, {}, key);
    expect(visible.eventTypes.nodes).toEqual([]);
    const withArchived = await api.ok(
      `query { eventTypes(includeArchived: true) { nodes { name archived } } }`,
      {},
      key,
    );
    expect(withArchived.eventTypes.nodes).toEqual([{ name: 'invoice.paid', archived: true }]);
  });
});

describe('messages', () => {
  it('fans out to matching enabled endpoints only', async () => {
    const { createApplication: app } = await api.ok(
      CREATE_APP,
      { input: { name: 'Fanout', uid: 'fanout' } },
      key,
    );
    const base = { application: app.id, url: 'http://127.0.0.1:9/hook' };
    const all = (await api.ok(CREATE_ENDPOINT, { input: base }, key)).createEndpoint;
    const onlyPaid = (
      await api.ok(CREATE_ENDPOINT, { input: { ...base, eventTypes: ['order.paid'] } }, key)
    ).createEndpoint;
    const onlyEu = (await api.ok(CREATE_ENDPOINT, { input: { ...base, channels: ['eu'] } }, key))
      .createEndpoint;
    const big = (
      await api.ok(
        CREATE_ENDPOINT,
        { input: { ...base, payloadFilter: { amount: { $gt: 100 } } } },
        key,
      )
    ).createEndpoint;
    await api.ok(CREATE_ENDPOINT, { input: { ...base, disabled: true } }, key);

    const send = async (input: Record<string, unknown>) =>
      (await api.ok(SEND, { input: { application: 'fanout', ...input } }, key)).sendMessage;

    const m1 = await send({ eventType: 'order.paid', payload: { amount: 500 }, channels: ['eu'] });
    expect(m1.duplicate).toBe(false);
    expect(m1.message.deliveries.map((d: { endpointId: string }) => d.endpointId).sort()).toEqual(
      [all.id, onlyPaid.id, onlyEu.id, big.id].sort(),
    );
    expect(m1.message.deliveries.every((d: { status: string }) => d.status === 'PENDING')).toBe(
      true,
    );

    const m2 = await send({ eventType: 'order.created', payload: { amount: 5 } });
    expect(m2.message.deliveries.map((d: { endpointId: string }) => d.endpointId)).toEqual([
      all.id,
    ]);
  });

  it('validates payloads against the event type schema', async () => {
    await api.ok(CREATE_APP, { input: { name: 'Schema', uid: 'schema-app' } }, key);
    await api.ok(
      `mutation($s: JSONObject) { createEventType(input: { name: "user.created", schema: $s }) { id } }`,
      {
        s: {
          type: 'object',
          required: ['email'],
          properties: { email: { type: 'string', format: 'email' } },
        },
      },
      key,
    );
    const bad = await api.gql(
      SEND,
      {
        input: { application: 'schema-app', eventType: 'user.created', payload: { email: 'nope' } },
      },
      key,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/schema/);
    const good = await api.gql(
      SEND,
      {
        input: {
          application: 'schema-app',
          eventType: 'user.created',
          payload: { email: 'a@b.co' },
        },
      },
      key,
    );
    expect(good.errors).toBeUndefined();
  });

  it('returns the original message for a repeated idempotency key and stores nothing new', async () => {
    await api.ok(CREATE_APP, { input: { name: 'Idem', uid: 'idem' } }, key);
    const input = {
      application: 'idem',
      eventType: 'a.b',
      payload: { n: 1 },
      idempotencyKey: 'key-1',
    };
    const first = (await api.ok(SEND, { input }, key)).sendMessage;
    const second = (await api.ok(SEND, { input: { ...input, payload: { n: 2 } } }, key))
      .sendMessage;
    expect(second.duplicate).toBe(true);
    expect(second.message.id).toBe(first.message.id);
    expect(second.message.payload).toEqual({ n: 1 });
    const byEvent1 = (
      await api.ok(
        SEND,
        { input: { application: 'idem', eventType: 'a.b', payload: {}, eventId: 'evt-9' } },
        key,
      )
    ).sendMessage;
    const byEvent2 = (
      await api.ok(
        SEND,
        { input: { application: 'idem', eventType: 'a.b', payload: {}, eventId: 'evt-9' } },
        key,
      )
    ).sendMessage;
    expect(byEvent2).toMatchObject({ duplicate: true, message: { id: byEvent1.message.id } });
    const list = await api.ok(`query { messages(application: "idem") { nodes { id } } }`, {}, key);
    expect(list.messages.nodes).toHaveLength(2);
  });

  it('deduplicates concurrent sends with one key to exactly one message', async () => {
    await api.ok(CREATE_APP, { input: { name: 'Race', uid: 'race' } }, key);
    const input = { application: 'race', eventType: 'a.b', payload: {}, idempotencyKey: 'same' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.ok(SEND, { input }, key)),
    );
    const ids = new Set(results.map((r) => r.sendMessage.message.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.sendMessage.duplicate)).toHaveLength(1);
  });

  it('stores a batch atomically and rejects the whole batch on one bad message', async () => {
    const { createApplication: app } = await api.ok(
      CREATE_APP,
      { input: { name: 'Batch', uid: 'batch' } },
      key,
    );
    await api.ok(
      CREATE_ENDPOINT,
      { input: { application: app.id, url: 'http://127.0.0.1:9/x' } },
      key,
    );
    const messages = Array.from({ length: 300 }, (_, i) => ({
      application: 'batch',
      eventType: 'bulk.item',
      payload: { i },
    }));
    const ok = await api.ok(
      `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount duplicateCount deliveryCount results { message { id } } } }`,
      { input: { messages } },
      key,
    );
    expect(ok.sendMessages).toMatchObject({
      createdCount: 300,
      duplicateCount: 0,
      deliveryCount: 300,
    });

    const bad = [
      ...messages.slice(0, 5),
      { application: 'batch', eventType: 'bad name', payload: {} },
    ];
    const failed = await api.gql(
      `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount } }`,
      { input: { messages: bad } },
      key,
    );
    expect(codeOf(failed)).toBe('BAD_USER_INPUT');
    expect(failed.errors?.[0].extensions?.field).toBe('messages.5.eventType');
    const unknownApp = [
      ...messages.slice(0, 5),
      { application: 'nope', eventType: 'a', payload: {} },
    ];
    expect(
      codeOf(
        await api.gql(
          `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount } }`,
          { input: { messages: unknownApp } },
          key,
        ),
      ),
    ).toBe('NOT_FOUND');
    const count = await api.db.withTenant(
      (await api.ok(`query { viewer { tenant { id } } }`, {}, key)).viewer.tenant.id,
      (tx) =>
        tx.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE application_id = $1`, [
          app.id,
        ]),
    );
    expect(Number(count[0].n)).toBe(300);
  });

  it('filters and paginates the message log; reads deliveries and attempts', async () => {
    const { createApplication: app } = await api.ok(
      CREATE_APP,
      { input: { name: 'Log', uid: 'log' } },
      key,
    );
    const ep = (
      await api.ok(
        CREATE_ENDPOINT,
        { input: { application: app.id, url: 'http://127.0.0.1:9/x' } },
        key,
      )
    ).createEndpoint;
    const before = new Date().toISOString();
    for (let i = 0; i < 4; i++) {
      await api.ok(
        SEND,
        {
          input: {
            application: 'log',
            eventType: i % 2 ? 'odd.one' : 'even.one',
            payload: { i },
            channels: i === 0 ? ['vip'] : null,
          },
        },
        key,
      );
    }
    const odd = await api.ok(
      `query { messages(application: "log", eventTypes: ["odd.one"]) { nodes { payload } } }`,
      {},
      key,
    );
    expect(odd.messages.nodes.map((n: { payload: { i: number } }) => n.payload.i)).toEqual([3, 1]);
    const vip = await api.ok(
      `query { messages(application: "log", channel: "vip") { nodes { payload } } }`,
      {},
      key,
    );
    expect(vip.messages.nodes).toEqual([{ payload: { i: 0 } }]);
    const since = await api.ok(
      `query($s: DateTimeISO) { messages(application: "log", since: $s) { nodes { id } } }`,
      { s: before },
      key,
    );
    expect(since.messages.nodes).toHaveLength(4);
    const future = await api.ok(
      `query($s: DateTimeISO) { messages(application: "log", since: $s) { nodes { id } } }`,
      { s: new Date(Date.now() + 60_000).toISOString() },
      key,
    );
    expect(future.messages.nodes).toHaveLength(0);

    const deliveries = await api.ok(
      `query($e: ID) { deliveries(endpointId: $e) { nodes { status } } }`,
      { e: ep.id },
      key,
    );
    expect(deliveries.deliveries.nodes).toHaveLength(4);
    const attempts = await api.ok(
      `query($e: ID) { attempts(endpointId: $e) { nodes { id } } }`,
      { e: ep.id },
      key,
    );
    expect(attempts.attempts.nodes).toEqual([]);
    const stats = await api.ok(
      `query($e: ID!) { endpoint(id: $e) { stats { succeeded failed pending exhausted } } }`,
      { e: ep.id },
      key,
    );
    expect(stats.endpoint.stats).toEqual({ succeeded: 0, failed: 0, pending: 4, exhausted: 0 });
  });
});
