import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Herald, type HeraldOptions } from '../client.js';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  HeraldError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PlanLimitError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '../errors.js';
import { graphqlError, startScriptedServer, type ScriptedServer } from './scripted-server.js';

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => server.script());

function client(options: HeraldOptions = {}) {
  return new Herald('hk_test_key', {
    baseUrl: server.baseUrl,
    retryBaseDelayMs: 1,
    ...options,
  });
}

const application = {
  id: 'app_1',
  uid: 'acme',
  name: 'Acme',
  operational: false,
  rateLimitPerSecond: null,
  metadata: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const applicationReply = { body: { data: { application } } };
const unavailable = { status: 503, body: { errors: [{ message: 'down' }] } };

function sentMessage() {
  return {
    data: {
      sendMessage: {
        duplicate: false,
        message: {
          id: 'msg_1',
          applicationId: 'app_1',
          eventType: 'invoice.paid',
          eventId: null,
          payload: { amount: 1 },
          channels: null,
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      },
    },
  };
}

describe('requests', () => {
  it('posts the operation to {baseUrl}/graphql with the API key and a request id', async () => {
    server.script(applicationReply);
    const herald = new Herald('hk_test_key', { baseUrl: `${server.baseUrl}/` });
    await expect(herald.applications.get('acme')).resolves.toEqual(application);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/graphql');
    expect(request!.headers.authorization).toBe('Bearer hk_test_key');
    expect(request!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request!.body.query).toContain('query GetApplication');
    expect(request!.body.variables).toEqual({ uid: 'acme' });
  });

  it('looks an application up by id when given an app_ id', async () => {
    server.script(applicationReply);
    await client().applications.get('app_1');
    expect(server.requests[0]!.body.variables).toEqual({ id: 'app_1' });
  });
});

describe('retries', () => {
  it('retries 5xx with one request id across attempts, then returns the data', async () => {
    server.script(unavailable, unavailable, applicationReply);
    await expect(client().applications.get('acme')).resolves.toEqual(application);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['x-request-id'])).size).toBe(1);
  });

  it('retries when the connection drops without a response', async () => {
    server.script({ destroy: true }, applicationReply);
    await expect(client().applications.get('acme')).resolves.toEqual(application);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    server.script(unavailable);
    const error = await client({ maxRetries: 3 })
      .applications.get('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
    expect(server.requests).toHaveLength(4);
  });

  it('does not retry at all with maxRetries 0', async () => {
    server.script({ destroy: true });
    await expect(client({ maxRetries: 0 }).applications.get('acme')).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('waits the retryAfterMs the API asks for on RATE_LIMITED', async () => {
    server.script(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: graphqlError('RATE_LIMITED', 'slow down', { retryAfterMs: 250 }),
      },
      applicationReply,
    );
    const started = Date.now();
    await client().applications.get('acme');
    const elapsed = Date.now() - started;
    expect(server.requests).toHaveLength(2);
    // The body's precise hint wins over the header's whole seconds.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it('honours a bare Retry-After header', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' }, body: '' }, applicationReply);
    const started = Date.now();
    await client().applications.get('acme');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('throws at once when the API asks to wait longer than retryMaxDelayMs', async () => {
    server.script({
      status: 429,
      body: graphqlError('RATE_LIMITED', 'slow down', { retryAfterMs: 60_000 }),
    });
    const error = await client({ retryMaxDelayMs: 1_000 })
      .applications.get('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(60_000);
    expect(server.requests).toHaveLength(1);
  });

  it('does not repeat a non-idempotent create after a 5xx, but does after a 429', async () => {
    server.script(unavailable);
    await expect(client().applications.create({ name: 'Acme' })).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(server.requests).toHaveLength(1);

    server.script(
      { status: 429, body: graphqlError('RATE_LIMITED', 'slow down', { retryAfterMs: 1 }) },
      { body: { data: { createApplication: application } } },
    );
    await expect(client().applications.create({ name: 'Acme' })).resolves.toEqual(application);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a hung attempt, and retries it like a network error', async () => {
    server.script({ delayMs: 400, body: { data: { application } } });
    const error = await client({ timeoutMs: 100, maxRetries: 1 })
      .applications.get('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as TimeoutError).code).toBe('TIMEOUT');
    expect(server.requests).toHaveLength(2);
  });
});

describe('idempotency', () => {
  const input = { application: 'acme', eventType: 'invoice.paid', payload: { amount: 1 } };

  it('messages.send adds a random key and repeats it on every retry', async () => {
    server.script(unavailable, { destroy: true }, { body: sentMessage() });
    const result = await client().messages.send(input);
    expect(result.message.id).toBe('msg_1');
    const keys = server.requests.map((r) => r.body.variables.input.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('a new send gets a new key', async () => {
    server.script({ body: sentMessage() });
    await client().messages.send(input);
    await client().messages.send(input);
    const [first, second] = server.requests.map((r) => r.body.variables.input.idempotencyKey);
    expect(first).not.toBe(second);
  });

  it('keeps a key the caller chose', async () => {
    server.script({ body: sentMessage() });
    await client().messages.send({ ...input, idempotencyKey: 'order-42' });
    expect(server.requests[0]!.body.variables.input.idempotencyKey).toBe('order-42');
  });

  it('messages.sendBatch gives each message its own key', async () => {
    server.script({
      body: {
        data: {
          sendMessages: { results: [], createdCount: 0, duplicateCount: 0, deliveryCount: 0 },
        },
      },
    });
    await client().messages.sendBatch([input, input, { ...input, idempotencyKey: 'mine' }]);
    const keys = server.requests[0]!.body.variables.input.messages.map(
      (m: { idempotencyKey: string }) => m.idempotencyKey,
    );
    expect(keys[2]).toBe('mine');
    expect(new Set(keys).size).toBe(3);
  });
});

describe('errors', () => {
  it.each([
    ['UNAUTHENTICATED', 401, AuthenticationError],
    ['FORBIDDEN', 200, PermissionDeniedError],
    ['NOT_FOUND', 200, NotFoundError],
    ['BAD_USER_INPUT', 200, ValidationError],
    ['GRAPHQL_VALIDATION_FAILED', 400, ValidationError],
    ['CONFLICT', 200, ConflictError],
    ['PLAN_LIMIT_EXCEEDED', 200, PlanLimitError],
    ['BAD_REQUEST', 400, BadRequestError],
    ['PAYLOAD_TOO_LARGE', 413, PayloadTooLargeError],
    ['SOMETHING_NEW', 200, HeraldError],
  ] as const)('%s (HTTP %i) becomes %O', async (code, status, ErrorClass) => {
    server.script({ status, body: graphqlError(code, `it was ${code}`, { field: 'uid' }) });
    const error = await client({ maxRetries: 0 })
      .applications.get('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({
      code,
      status,
      message: `it was ${code}`,
      details: { field: 'uid' },
      requestId: server.requests[0]!.headers['x-request-id'],
    });
    expect(server.requests).toHaveLength(1);
  });

  it('a proxy error page without JSON becomes a ServerError with its status', async () => {
    server.script({ status: 502, body: '<html>Bad Gateway</html>' });
    const error = await client({ maxRetries: 0 })
      .applications.get('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: 'INTERNAL_SERVER_ERROR' });
  });

  it('an unreachable API is a ConnectionError naming the URL', async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const herald = new Herald('hk_x', { baseUrl: closed.baseUrl, maxRetries: 0 });
    await expect(herald.applications.get('acme')).rejects.toThrow(
      new RegExp(`Could not reach Herald at ${closed.baseUrl}/graphql`),
    );
  });

  it('validates the constructor arguments', () => {
    expect(() => new Herald('')).toThrow(TypeError);
    expect(() => new Herald('hk_x', { maxRetries: -1 })).toThrow(RangeError);
    expect(() => new Herald('hk_x', { timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('pagination', () => {
  const pages: Record<string, { ids: string[]; next: string | null }> = {
    start: { ids: ['app_1', 'app_2'], next: 'c2' },
    c2: { ids: ['app_3', 'app_4'], next: 'c4' },
    c4: { ids: ['app_5'], next: null },
  };
  function pagedReplies() {
    server.script((request) => {
      const page = pages[request.body.variables.after ?? 'start']!;
      return {
        body: {
          data: {
            applications: {
              nodes: page.ids.map((id) => ({ ...application, id })),
              pageInfo: { endCursor: page.next ?? 'last', hasNextPage: page.next !== null },
            },
          },
        },
      };
    });
  }

  it('list returns one page with its cursor', async () => {
    pagedReplies();
    const page = await client().applications.list({ first: 2 });
    expect(page.items.map((a) => a.id)).toEqual(['app_1', 'app_2']);
    expect(page).toMatchObject({ endCursor: 'c2', hasNextPage: true });
    expect(server.requests[0]!.body.variables).toEqual({ first: 2 });
  });

  it('listAll walks every page in order, passing each endCursor as after', async () => {
    pagedReplies();
    const ids: string[] = [];
    for await (const app of client().applications.listAll({ name: 'ac' })) ids.push(app.id);
    expect(ids).toEqual(['app_1', 'app_2', 'app_3', 'app_4', 'app_5']);
    expect(server.requests.map((r) => r.body.variables)).toEqual([
      { name: 'ac', first: 100, after: null },
      { name: 'ac', first: 100, after: 'c2' },
      { name: 'ac', first: 100, after: 'c4' },
    ]);
  });

  it('stops fetching when the caller breaks out', async () => {
    pagedReplies();
    for await (const app of client().applications.listAll()) {
      if (app.id === 'app_2') break;
    }
    expect(server.requests).toHaveLength(1);
  });

  it('an error on a later page reaches the loop', async () => {
    let calls = 0;
    server.script(() =>
      ++calls === 1
        ? {
            body: {
              data: {
                applications: {
                  nodes: [application],
                  pageInfo: { endCursor: 'c1', hasNextPage: true },
                },
              },
            },
          }
        : { body: graphqlError('FORBIDDEN') },
    );
    const seen: string[] = [];
    const run = async () => {
      for await (const app of client().applications.listAll()) seen.push(app.id);
    };
    await expect(run()).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(seen).toEqual(['app_1']);
  });
});
