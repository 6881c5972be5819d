import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, OPERATOR_TOKEN, startTestApi, type TestApi } from './harness';

let api: TestApi;
const QUOTA = 50;

beforeAll(async () => {
  api = await startTestApi({ HERALD_FREE_MONTHLY_MESSAGES: String(QUOTA) });
});
afterAll(() => api?.stop());

const SEND_MANY = `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount } }`;

async function freeTenant() {
  const { tenantId, apiKey } = await api.createTenant('Free');
  await api.ok(`mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`, {}, apiKey);
  return { tenantId, apiKey };
}

const batch = (n: number, key?: string) => ({
  input: {
    messages: Array.from({ length: n }, (_, i) => ({
      application: 'a',
      eventType: 'x.y',
      payload: { i },
      idempotencyKey: key ? `${key}-${i}` : null,
    })),
  },
});

async function storedMessages(tenantId: string): Promise<number> {
  const rows = await api.db.withSystem((m) =>
    m.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1`, [tenantId]),
  );
  return rows[0].n;
}

describe('plans and quotas', () => {
  it('refuses the request that would cross the Free quota, stores nothing, and says why', async () => {
    const { tenantId, apiKey } = await freeTenant();
    expect((await api.ok(SEND_MANY, batch(45), apiKey)).sendMessages.createdCount).toBe(45);
    const refused = await api.gql(SEND_MANY, batch(10), apiKey);
    expect(codeOf(refused)).toBe('PLAN_LIMIT_EXCEEDED');
    const ext = refused.errors?.[0].extensions ?? {};
    expect(ext).toMatchObject({ quota: QUOTA, usage: 45, metric: 'messages_per_month' });
    const reset = new Date(ext.resetAt);
    const now = new Date();
    expect(reset.getTime()).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(await storedMessages(tenantId)).toBe(45);
    // Exactly up to the cap is fine; one more is not.
    expect((await api.ok(SEND_MANY, batch(5), apiKey)).sendMessages.createdCount).toBe(5);
    expect(
      codeOf(
        await api.gql(
          `mutation { sendMessage(input: { application: "a", eventType: "x.y", payload: {} }) { message { id } } }`,
          {},
          apiKey,
        ),
      ),
    ).toBe('PLAN_LIMIT_EXCEEDED');
    expect(await storedMessages(tenantId)).toBe(QUOTA);
  });

  it('does not count idempotent repeats', async () => {
    const { apiKey } = await freeTenant();
    await api.ok(SEND_MANY, batch(QUOTA, 'k'), apiKey);
    const again = await api.ok(
      `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount duplicateCount } }`,
      batch(QUOTA, 'k'),
      apiKey,
    );
    expect(again.sendMessages).toEqual({ createdCount: 0, duplicateCount: QUOTA });
  });

  it('lets no concurrent burst slip past the cap', async () => {
    const { tenantId, apiKey } = await freeTenant();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => api.gql(SEND_MANY, batch(3), apiKey)),
    );
    const accepted = results.filter((r) => !r.errors).length;
    const refused = results.filter((r) => codeOf(r) === 'PLAN_LIMIT_EXCEEDED').length;
    expect(accepted + refused).toBe(30);
    // 50 / 3 = 16 full batches fit; the 17th would make 51.
    expect(accepted).toBe(16);
    expect(await storedMessages(tenantId)).toBe(48);
  });

  it('does not cap Pro tenants, and the operator can change plans', async () => {
    const { tenantId, apiKey } = await freeTenant();
    await api.ok(SEND_MANY, batch(QUOTA), apiKey);
    expect(codeOf(await api.gql(SEND_MANY, batch(1), apiKey))).toBe('PLAN_LIMIT_EXCEEDED');
    expect(
      codeOf(
        await api.gql(
          `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: pro) }`,
          { t: tenantId },
          apiKey,
        ),
      ),
    ).toBe('FORBIDDEN');
    await api.ok(
      `mutation($t: ID!) { setTenantPlan(tenantId: $t, plan: pro) }`,
      { t: tenantId },
      OPERATOR_TOKEN,
    );
    expect((await api.ok(SEND_MANY, batch(20), apiKey)).sendMessages.createdCount).toBe(20);
  });

  it('reports plan, usage by day and quota in the billing query', async () => {
    const { apiKey } = await freeTenant();
    await api.ok(SEND_MANY, batch(12), apiKey);
    const { billing } = await api.ok(
      `query { billing { plan configured quota messages attempts daily { day messages attempts } periodStart periodEnd } }`,
      {},
      apiKey,
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(billing).toMatchObject({
      plan: 'free',
      configured: false,
      quota: QUOTA,
      messages: 12,
      attempts: 0,
    });
    expect(billing.daily).toEqual([{ day: today, messages: 12, attempts: 0 }]);
    expect(
      new Date(billing.periodEnd).getTime() - new Date(billing.periodStart).getTime(),
    ).toBeGreaterThan(27 * 86_400_000);
  });
});
