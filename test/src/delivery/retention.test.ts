import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';

/*
 * The scheduled payload expunge, run through Temporal by the real worker: each tenant's own
 * retention applies, payloads go, message rows, deliveries and attempts stay.
 */
let stack: Stack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startStack({ workerEnv: { HERALD_RETENTION_BATCH_SIZE: '3' } });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const SEND = `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { results { message { id } } } }`;

async function tenantWithMessages(name: string, count: number) {
  const { tenantId, apiKey } = await stack.createTenant(name);
  await stack.ok(
    `mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`,
    {},
    apiKey,
  );
  await stack.ok(
    `mutation($u: String!) { createEndpoint(input: { application: "a", url: $u }) { id } }`,
    { u: receiver.url },
    apiKey,
  );
  const sent = await stack.ok(
    SEND,
    {
      input: {
        messages: Array.from({ length: count }, (_, i) => ({
          application: 'a',
          eventType: 'x.y',
          payload: { i, note: `${name}-payload` },
        })),
      },
    },
    apiKey,
  );
  const ids: string[] = sent.sendMessages.results.map((r: any) => r.message.id);
  return { tenantId, apiKey, ids };
}

async function ageMessages(ids: string[], days: number) {
  await stack.db.withSystem((m) =>
    m.query(
      `UPDATE messages SET created_at = now() - make_interval(days => $2) WHERE id = ANY($1)`,
      [ids, days],
    ),
  );
}

async function payloads(ids: string[]) {
  const rows = (await stack.db.withSystem((m) =>
    m.query(
      `SELECT id, payload IS NULL AS gone, payload_expunged_at IS NOT NULL AS marked,
              (SELECT count(*)::int FROM attempts a WHERE a.message_id = messages.id) AS attempts
         FROM messages WHERE id = ANY($1) ORDER BY id`,
      [ids],
    ),
  )) as { id: string; gone: boolean; marked: boolean; attempts: number }[];
  return rows;
}

describe('scheduled payload expunge', () => {
  it("removes payloads past each tenant's retention and keeps everything else", async () => {
    const a = await tenantWithMessages('Thirty', 8);
    const b = await tenantWithMessages('Seven', 4);
    await stack.ok(`mutation { setPayloadRetention(days: 7) }`, {}, b.apiKey);
    // Let the deliveries finish, so there is an attempt per message to keep.
    await eventually(
      async () => {
        const rows = await payloads([...a.ids, ...b.ids]);
        return rows.every((r) => r.attempts >= 1);
      },
      { timeoutMs: 30_000 },
    );

    // A: 5 messages 31 days old (past 30), 3 at 10 days. B (7 days): 2 at 10 days, 2 fresh.
    await ageMessages(a.ids.slice(0, 5), 31);
    await ageMessages(a.ids.slice(5), 10);
    await ageMessages(b.ids.slice(0, 2), 10);

    const expunged = await stack.client.workflow.execute('retentionWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `retention-test-${Date.now()}`,
      workflowExecutionTimeout: '60 seconds',
    });
    // Batches of 3: the job went round more than once for A and still stopped at the cutoff.
    expect(expunged).toBe(7);

    const rowsA = await payloads(a.ids);
    const rowsB = await payloads(b.ids);
    const goneA = new Set(rowsA.filter((r) => r.gone && r.marked).map((r) => r.id));
    const goneB = new Set(rowsB.filter((r) => r.gone && r.marked).map((r) => r.id));
    expect(goneA).toEqual(new Set(a.ids.slice(0, 5)));
    expect(goneB).toEqual(new Set(b.ids.slice(0, 2)));
    // Attempt history and message rows are untouched.
    expect([...rowsA, ...rowsB].every((r) => r.attempts >= 1)).toBe(true);

    // A second run finds nothing more.
    const again = await stack.client.workflow.execute('retentionWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `retention-test-again-${Date.now()}`,
      workflowExecutionTimeout: '60 seconds',
    });
    expect(again).toBe(0);
  });

  it('is scheduled by the worker', async () => {
    const description = await stack.client.schedule
      .getHandle(`herald-retention:${stack.taskQueue}`)
      .describe();
    expect(description.action).toMatchObject({ workflowType: 'retentionWorkflow' });
    expect(description.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
  });
});
