import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

let api: TestApi;
let key: string;

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: key } = await api.createTenant('Channels Co'));
  for (const uid of ['one', 'two']) {
    await api.ok(
      `mutation($u: String!) { createApplication(input: { name: $u, uid: $u }) { id } }`,
      { u: uid },
      key,
    );
  }
});
afterAll(() => api?.stop());

const SEND_MANY = `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount } }`;
const BY_CHANNEL = `query($a: String!, $c: String!, $after: String) {
  messages(application: $a, channel: $c, first: 2, after: $after) {
    nodes { payload } pageInfo { hasNextPage endCursor } } }`;

describe('messages by channel', () => {
  it('finds each message once per channel, in its own application only, page by page', async () => {
    await api.ok(
      SEND_MANY,
      {
        input: {
          messages: [
            {
              application: 'one',
              eventType: 'x.y',
              payload: { n: 1 },
              channels: ['gold', 'gold', 'vip'],
            },
            { application: 'one', eventType: 'x.y', payload: { n: 2 }, channels: ['vip'] },
            { application: 'one', eventType: 'x.y', payload: { n: 3 } },
            { application: 'two', eventType: 'x.y', payload: { n: 4 }, channels: ['vip'] },
            { application: 'one', eventType: 'x.y', payload: { n: 5 }, channels: ['vip', 'gold'] },
          ],
        },
      },
      key,
    );
    const first = (await api.ok(BY_CHANNEL, { a: 'one', c: 'vip' }, key)).messages;
    expect(first.nodes).toEqual([{ payload: { n: 5 } }, { payload: { n: 2 } }]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (
      await api.ok(BY_CHANNEL, { a: 'one', c: 'vip', after: first.pageInfo.endCursor }, key)
    ).messages;
    expect(second.nodes).toEqual([{ payload: { n: 1 } }]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const gold = (await api.ok(BY_CHANNEL, { a: 'one', c: 'gold' }, key)).messages.nodes;
    expect(gold).toEqual([{ payload: { n: 5 } }, { payload: { n: 1 } }]);
    expect((await api.ok(BY_CHANNEL, { a: 'two', c: 'vip' }, key)).messages.nodes).toEqual([
      { payload: { n: 4 } },
    ]);
    expect((await api.ok(BY_CHANNEL, { a: 'one', c: 'none' }, key)).messages.nodes).toEqual([]);
  });

  it('forgets the channels of a deleted application', async () => {
    const [before] = await api.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM message_channels`),
    );
    expect(before.n).toBe(6);
    await api.ok(`mutation { deleteApplication(id: "two") }`, {}, key);
    const [after] = await api.db.withSystem((m) =>
      m.query(`SELECT count(*)::int AS n FROM message_channels`),
    );
    expect(after.n).toBe(5);
  });
});
