import { describe, expect, it, vi } from 'vitest';
import { ApiError, createHttpClient, describeError } from './client';
import { matchPath } from './router';

const doc = (text: string) => ({ toString: () => text }) as any;

/** The ApiError a request was rejected with (fails the test if it resolved). */
async function failure(request: Promise<unknown>): Promise<ApiError> {
  return request.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: ApiError) => error,
  );
}

function respond(status: number, body: unknown) {
  return vi.fn(
    async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
}

describe('createHttpClient', () => {
  it('posts the document with the bearer token and returns data', async () => {
    const fetch = respond(200, { data: { viewer: { kind: 'session' } } });
    const client = createHttpClient({ getToken: () => 'hs_abc', fetch });
    const data = await client.request(doc('query Viewer { viewer { kind } }'), { a: 1 });
    expect(data).toEqual({ viewer: { kind: 'session' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer hs_abc');
    // urql sends the document as it parsed and printed it, named.
    expect(JSON.parse(init.body as string)).toEqual({
      operationName: 'Viewer',
      query: 'query Viewer {\n  viewer {\n    kind\n  }\n}',
      variables: { a: 1 },
    });
  });

  it('turns GraphQL errors into ApiError with the stable code and calls back on UNAUTHENTICATED', async () => {
    const onUnauthenticated = vi.fn();
    const unauthenticated = createHttpClient({
      getToken: () => 'hs_old',
      onUnauthenticated,
      fetch: respond(401, {
        errors: [{ message: 'Session expired', extensions: { code: 'UNAUTHENTICATED' } }],
      }),
    });
    const error = await failure(unauthenticated.request(doc('query X { a }'), {}));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(onUnauthenticated).toHaveBeenCalledOnce();

    const invalid = createHttpClient({
      getToken: () => null,
      onUnauthenticated,
      fetch: respond(200, {
        errors: [
          { message: 'url: not allowed', extensions: { code: 'BAD_USER_INPUT', field: 'url' } },
        ],
      }),
    });
    const bad = await failure(invalid.request(doc('mutation X { a }'), {}));
    expect([bad.code, bad.field]).toEqual(['BAD_USER_INPUT', 'url']);
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('reports network failures and non-GraphQL answers', async () => {
    const offline = createHttpClient({
      getToken: () => null,
      fetch: vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    });
    expect((await failure(offline.request(doc('query X { a }'), {}))).code).toBe('NETWORK');
    const proxy = createHttpClient({
      getToken: () => null,
      fetch: vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    });
    const error = await failure(proxy.request(doc('query X { a }'), {}));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/HTTP 502/);
  });
});

describe('describeError', () => {
  it('says what to do for each code', () => {
    expect(describeError(new ApiError('RATE_LIMITED', 'x', { retryAfterMs: 2500 }))).toBe(
      'Too many requests: try again in 3 s.',
    );
    expect(describeError(new ApiError('PLAN_LIMIT_EXCEEDED', 'Monthly quota reached'))).toMatch(
      /Upgrade your plan/,
    );
    expect(describeError(new ApiError('FORBIDDEN', 'Viewers cannot write'))).toMatch(/your role/);
    expect(describeError(new Error('boom'))).toBe('boom');
  });
});

describe('matchPath', () => {
  it('matches parameters and wildcards', () => {
    expect(matchPath('/apps/:appId/endpoints/:endpointId', '/apps/app_1/endpoints/ep_2')).toEqual({
      appId: 'app_1',
      endpointId: 'ep_2',
    });
    expect(matchPath('/apps/:appId/*', '/apps/app_1/messages/msg_3')).toEqual({ appId: 'app_1' });
    expect(matchPath('/apps/:appId/*', '/apps')).toBeNull();
    expect(matchPath('/apps', '/apps/x')).toBeNull();
    expect(matchPath('/event-types/:name', '/event-types/invoice.paid')).toEqual({
      name: 'invoice.paid',
    });
  });
});
