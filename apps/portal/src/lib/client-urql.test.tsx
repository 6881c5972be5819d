import { render, screen, waitFor } from '@testing-library/react';
import { Client, CombinedError } from '@urql/core';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiErrorOf, createUrqlClient, graphQLClientOf, type Document } from './client';
import { useQuery } from './hooks';

const doc = <R, V>(text: string): Document<R, V> => ({ toString: () => text });

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const VIEWER = doc<{ viewer: { kind: string } }, Record<string, never>>(
  'query Viewer { viewer { kind } }',
);

function Viewer() {
  const { data, error } = useQuery(VIEWER, {});
  if (error) return <p data-testid="error">{`${error.name}:${error.code}:${error.message}`}</p>;
  return <p data-testid="kind">{data?.viewer.kind ?? '…'}</p>;
}

/** Speaks the server side of graphql-transport-ws well enough for one subscription. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: { type: string; id?: string; payload?: unknown }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.opened.push(this);
    setTimeout(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
    });
  }

  send(raw: string) {
    const message = JSON.parse(raw) as FakeSocket['sent'][number];
    this.sent.push(message);
    if (message.type === 'connection_init') this.reply({ type: 'connection_ack' });
    if (message.type === 'subscribe')
      this.reply({
        id: message.id,
        type: 'next',
        payload: { data: { deliveryEvents: { deliveryId: 'dlv_1' } } },
      });
  }

  close(code: number, reason: string) {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason });
  }

  private reply(message: unknown) {
    setTimeout(() => this.onmessage?.({ data: JSON.stringify(message) }));
  }
}

describe('createUrqlClient', () => {
  it('is the client the hooks use: POSTs through fetch with the bearer token and returns data', async () => {
    const fetch = vi.fn(async () => json({ data: { viewer: { kind: 'session' } } }));
    const client = createUrqlClient({ getToken: () => 'hs_abc', fetch });
    expect(client).toBeInstanceOf(Client);
    render(
      <Provider value={client}>
        <Viewer />
      </Provider>,
    );
    await waitFor(() => expect(screen.getByTestId('kind').textContent).toBe('session'));
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer hs_abc');
    expect(JSON.parse(init.body as string)).toMatchObject({ operationName: 'Viewer' });
  });

  it('maps a GraphQL error to ApiError by extensions.code, and UNAUTHENTICATED signs out', async () => {
    const onUnauthenticated = vi.fn();
    const forbidden = createUrqlClient({
      getToken: () => 'hs_viewer',
      onUnauthenticated,
      fetch: vi.fn(async () =>
        json({ errors: [{ message: 'Viewers cannot write', extensions: { code: 'FORBIDDEN' } }] }),
      ),
    });
    render(
      <Provider value={forbidden}>
        <Viewer />
      </Provider>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('error').textContent).toBe(
        'ApiError:FORBIDDEN:Viewers cannot write',
      ),
    );
    expect(onUnauthenticated).not.toHaveBeenCalled();

    const expired = createUrqlClient({
      getToken: () => 'hs_old',
      onUnauthenticated,
      fetch: vi.fn(async () =>
        json(
          { errors: [{ message: 'Session expired', extensions: { code: 'UNAUTHENTICATED' } }] },
          401,
        ),
      ),
    });
    const error = await graphQLClientOf(expired)
      .request(VIEWER, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('UNAUTHENTICATED');
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('runs subscriptions over graphql-ws on /graphql with the bearer token in connectionParams', async () => {
    FakeSocket.opened = [];
    const client = createUrqlClient({
      baseUrl: 'https://api.example.test',
      getToken: () => 'hs_live',
      webSocketImpl: FakeSocket,
    });
    const next = vi.fn();
    const stop = graphQLClientOf(client).subscribe(
      doc(
        'subscription DeliveryEvents($application: String!) { deliveryEvents(application: $application) { deliveryId } }',
      ),
      { application: 'app_1' },
      { next, error: (e) => expect.unreachable(e.message) },
    );
    await waitFor(() =>
      expect(next).toHaveBeenCalledWith({ deliveryEvents: { deliveryId: 'dlv_1' } }),
    );
    const [socket] = FakeSocket.opened;
    expect([socket!.url, socket!.protocol]).toEqual([
      'wss://api.example.test/graphql',
      'graphql-transport-ws',
    ]);
    expect(socket!.sent[0]).toEqual({
      type: 'connection_init',
      payload: { authorization: 'Bearer hs_live' },
    });
    expect(socket!.sent[1]).toMatchObject({
      type: 'subscribe',
      payload: { operationName: 'DeliveryEvents', variables: { application: 'app_1' } },
    });
    stop();
    expect(socket!.sent.at(-1)).toMatchObject({ type: 'complete', id: socket!.sent[1]!.id });
  });
});

describe('apiErrorOf', () => {
  it('maps what urql reports to the stable codes', () => {
    const refused = apiErrorOf(
      new CombinedError({ networkError: { code: 4403, reason: 'Forbidden' } as unknown as Error }),
    );
    expect([refused.code, refused.message]).toEqual(['UNAUTHENTICATED', 'Forbidden']);
    const offline = apiErrorOf(
      new CombinedError({ networkError: new TypeError('Failed to fetch') }),
    );
    expect([offline.code, offline.message]).toEqual(['NETWORK', 'Failed to fetch']);
    const invalid = apiErrorOf(
      new CombinedError({
        graphQLErrors: [
          { message: 'url: not allowed', extensions: { code: 'BAD_USER_INPUT', field: 'url' } },
        ],
      }),
    );
    expect([invalid.code, invalid.field]).toEqual(['BAD_USER_INPUT', 'url']);
  });
});
