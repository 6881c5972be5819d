import { render } from '@testing-library/react';
import { Client, subscriptionExchange } from '@urql/core';
import type { ReactNode } from 'react';
import { Provider } from 'urql';
import { ApiError } from '../lib/client';
import { Router } from '../lib/router';
import { ScopeContext, type AppScope } from '../shared/scope';

type Handler = (variables: any) => unknown;
type Observer = { next(result: unknown): void; complete(): void };

export interface FakeClient extends Client {
  calls: { operation: string; variables: any }[];
  /** Pushes data into every open subscription of `operation`. */
  emit(operation: string, data: unknown): void;
  open(operation: string): number;
}

/** How the API would answer a handler's result, errors included (they travel as GraphQL errors). */
function answer(result: unknown) {
  if (!(result instanceof Error)) return { data: result };
  const { code, extensions } =
    result instanceof ApiError ? result : { code: 'INTERNAL', extensions: {} };
  return { errors: [{ message: result.message, extensions: { ...extensions, code } }] };
}

/**
 * A stand-in for the API in component tests: a real urql client whose one exchange answers by
 * operation name and records every call. urql opens a subscription's transport a microtask after
 * the operation starts, so `open` tells when events can be emitted. (The browser suite in
 * test/src/browser runs the real API.)
 */
export function fakeClient(handlers: Record<string, Handler>): FakeClient {
  const calls: FakeClient['calls'] = [];
  const subscriptions = new Map<string, Set<Observer>>();
  const exchange = subscriptionExchange({
    enableAllOperations: true,
    forwardSubscription: ({ operationName, variables }, operation) => {
      const name = operationName ?? '?';
      calls.push({ operation: name, variables });
      return {
        subscribe(observer: Observer) {
          if (operation.kind === 'subscription') {
            const set = subscriptions.get(name) ?? new Set();
            subscriptions.set(name, set);
            set.add(observer);
            return { unsubscribe: () => void set.delete(observer) };
          }
          const handler = handlers[name] ?? (() => new ApiError('INTERNAL', `no fake for ${name}`));
          void (async () => handler(variables))()
            .catch((error: unknown) => error)
            .then((result) => {
              observer.next(answer(result));
              observer.complete();
            });
          return { unsubscribe: () => undefined };
        },
      };
    },
  });
  const client = new Client({ url: '/graphql', exchanges: [exchange] });
  return Object.assign(client, {
    calls,
    emit(operation: string, data: unknown) {
      for (const observer of subscriptions.get(operation) ?? []) observer.next({ data });
    },
    open(operation: string) {
      return subscriptions.get(operation)?.size ?? 0;
    },
  });
}

export const SCOPE: AppScope = {
  applicationId: 'app_1',
  basePath: '/apps/app_1',
  canWrite: true,
  consumer: false,
};

export function renderWith(
  ui: ReactNode,
  { client, path = '/', scope = SCOPE }: { client: Client; path?: string; scope?: AppScope },
) {
  window.history.replaceState(null, '', path);
  return render(
    <Router>
      <Provider value={client}>
        <ScopeContext.Provider value={scope}>{ui}</ScopeContext.Provider>
      </Provider>
    </Router>,
  );
}

export const pageInfo = (hasNextPage: boolean, endCursor: string | null = null) => ({
  hasNextPage,
  endCursor,
});
