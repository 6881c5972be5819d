import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

/*
 * The API's operational surface: request ids (accepted, generated, echoed, logged with the
 * tenant), and Prometheus metrics on /metrics after real traffic.
 */
const load = createRequire(__filename);
const { createLogger } = load('@herald/observability') as typeof import('@herald/observability');

const SEND = `mutation Publish($input: SendMessageInput!) { sendMessage(input: $input) { duplicate message { id } } }`;
const SEND_MANY = `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount duplicateCount } }`;

let api: TestApi;
let key: string;
let tenantId: string;
const lines: string[] = [];

beforeAll(async () => {
  api = await startTestApi(
    {},
    { logger: createLogger('debug', { app: 'api' }, (line) => void lines.push(line)) },
  );
  ({ apiKey: key, tenantId } = await api.createTenant('Observed'));
  await api.ok(
    `mutation { createApplication(input: { name: "Obs", uid: "obs" }) { id } }`,
    undefined,
    key,
  );
});

afterAll(async () => {
  await api?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('request ids', () => {
  it('echoes a valid x-request-id and logs it with the tenant and operation', async () => {
    const res = await post(
      {
        query: SEND,
        variables: { input: { application: 'obs', eventType: 'a.b', payload: { secret: 1 } } },
      },
      { 'x-request-id': 'req-abc-123' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    const entry = lines
      .map((l) => JSON.parse(l))
      .find((e) => e.msg === 'request' && e.requestId === 'req-abc-123');
    expect(entry).toMatchObject({
      app: 'api',
      level: 'debug',
      tenantId,
      operation: 'Publish',
      method: 'POST',
      path: '/graphql',
      status: 200,
    });
    expect(lines.join('')).not.toContain(key);
  });

  it('generates an id when none (or an unusable one) is sent', async () => {
    const none = await post({ query: '{ __typename }' });
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await post({ query: '{ __typename }' }, { 'x-request-id': 'has spaces\tand tabs' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/metrics', () => {
  it('answers Prometheus text with the API metrics after traffic', async () => {
    await post({
      query: SEND_MANY,
      variables: {
        input: {
          messages: [
            { application: 'obs', eventType: 'a.b', payload: { n: 1 } },
            { application: 'obs', eventType: 'a.b', payload: { n: 2 } },
          ],
        },
      },
    });
    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'herald_http_request_duration_seconds_bucket',
      'herald_graphql_operation_duration_seconds_bucket',
      'herald_messages_ingested_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(
      /herald_graphql_operation_duration_seconds_count\{operation="Publish",type="mutation",outcome="success"\} [1-9]/,
    );
    // Anonymous operations are labelled by their root fields.
    expect(text).toMatch(/operation="sendMessages",type="mutation"/);
    const created = /herald_messages_ingested_total\{result="created"\} (\d+)/.exec(text);
    expect(Number(created?.[1])).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(
      /herald_http_request_duration_seconds_count\{route="\/graphql",method="POST",status_class="2xx"\} [1-9]/,
    );
    // No tenant or message ids in labels.
    expect(text).not.toContain(tenantId);
  });

  it('is absent when metrics are disabled', async () => {
    const off = await startTestApi({ HERALD_METRICS_ENABLED: 'false' });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${off.url}/healthz`)).headers.get('x-request-id')).toBeTruthy();
    } finally {
      await off.stop();
    }
  });
});
