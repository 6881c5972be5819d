import { createRequire } from 'node:module';
import type { GqlResult } from './harness';

const load = createRequire(__filename);
const WebSocket = load('ws') as typeof import('ws');

export interface TestSocket {
  /** Runs one operation over the socket and resolves with its first result (or its error). */
  request<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
  /** Starts a subscription; its results accumulate in `results` until it ends. */
  subscribe(
    query: string,
    variables?: Record<string, unknown>,
  ): { results: GqlResult[]; ended: () => boolean };
  /** Resolves with the close code once the server (or we) closed the socket. */
  readonly closed: Promise<number>;
  closeCode(): number | null;
  close(): void;
}

/**
 * A graphql-ws client speaking the protocol directly (graphql-transport-ws), so tests see exactly
 * what the server sends: `next`, `error`, `complete` and the close code.
 */
export async function openSocket(baseUrl: string, token: string | null): Promise<TestSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  let closeCode: number | null = null;
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      resolve(code);
    }),
  );
  const handlers = new Map<string, (message: { type: string; payload?: any }) => void>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          type: 'connection_init',
          payload: token ? { authorization: `Bearer ${token}` } : {},
        }),
      ),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') return resolve();
      if (message.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
      handlers.get(message.id)?.(message);
    });
    void closed.then((code) => reject(new Error(`socket closed with ${code} before ack`)));
  });
  const start = (
    query: string,
    variables: Record<string, unknown> | undefined,
    onMessage: (message: { type: string; payload?: any }) => void,
  ): string => {
    const id = String(nextId++);
    handlers.set(id, onMessage);
    ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return id;
  };
  return {
    request<T>(query: string, variables?: Record<string, unknown>) {
      return new Promise<GqlResult<T>>((resolve, reject) => {
        const id = start(query, variables, (message) => {
          handlers.delete(id);
          if (message.type === 'next')
            resolve({
              status: 101,
              data: message.payload.data ?? null,
              errors: message.payload.errors,
            });
          else if (message.type === 'error')
            resolve({ status: 101, data: null, errors: message.payload });
          else reject(new Error(`unexpected ${message.type}`));
        });
        void closed.then((code) =>
          resolve({
            status: 101,
            data: null,
            errors: [
              { message: `socket closed (${code})`, extensions: { code: 'CLOSED', close: code } },
            ],
          }),
        );
      });
    },
    subscribe(query: string, variables?: Record<string, unknown>) {
      const results: GqlResult[] = [];
      let ended = false;
      start(query, variables, (message) => {
        if (message.type === 'next')
          results.push({
            status: 101,
            data: message.payload.data ?? null,
            errors: message.payload.errors,
          });
        else if (message.type === 'error') {
          results.push({ status: 101, data: null, errors: message.payload });
          ended = true;
        } else ended = true;
      });
      void closed.then(() => (ended = true));
      return { results, ended: () => ended };
    },
    closed,
    closeCode: () => closeCode,
    close: () => ws.close(),
  };
}

/** Polls `check` every 25 ms until it holds or `timeoutMs` passed; says whether it held. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}
