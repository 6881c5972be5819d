import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Document, GraphQLClient, Sink } from '../lib/client';
import { ApiError } from '../lib/client';
import { ClientContext } from '../lib/hooks';
import { Router } from '../lib/router';
import { ScopeContext, type AppScope } from '../shared/scope';

type Handler = (variables: any) => unknown;

export interface FakeClient extends GraphQLClient {
  calls: { operation: string; variables: any }[];
  /** Pushes data into every open subscription of `operation`. */
  emit(operation: string, data: unknown): void;
  open(operation: string): number;
}

function operationName(document: { toString(): string }): string {
  return /(?:query|mutation|subscription)\s+(\w+)/.exec(document.toString())?.[1] ?? '?';
}

/**
 * A stand-in for the API transport in component tests: answers by operation name and records
 * every call. (The browser suite in test/src/browser runs the real API.)
 */
export function fakeClient(handlers: Record<string, Handler>): FakeClient {
  const calls: FakeClient['calls'] = [];
  const subscriptions = new Map<string, Set<Sink<unknown>>>();
  return {
    calls,
    async request<R, V>(document: Document<R, V>, variables: V): Promise<R> {
      const operation = operationName(document);
      calls.push({ operation, variables });
      const handler = handlers[operation];
      if (!handler) throw new ApiError('INTERNAL', `no fake for ${operation}`);
      const result = await handler(variables);
      if (result instanceof Error) throw result;
      return result as R;
    },
    subscribe<R, V>(document: Document<R, V>, variables: V, sink: Sink<R>) {
      const operation = operationName(document);
      calls.push({ operation, variables });
      const set = subscriptions.get(operation) ?? new Set();
      subscriptions.set(operation, set);
      set.add(sink as Sink<unknown>);
      return () => set.delete(sink as Sink<unknown>);
    },
    emit(operation, data) {
      for (const sink of subscriptions.get(operation) ?? []) sink.next(data);
    },
    open(operation) {
      return subscriptions.get(operation)?.size ?? 0;
    },
  };
}

export const SCOPE: AppScope = {
  applicationId: 'app_1',
  basePath: '/apps/app_1',
  canWrite: true,
  consumer: false,
};

export function renderWith(
  ui: ReactNode,
  { client, path = '/', scope = SCOPE }: { client: GraphQLClient; path?: string; scope?: AppScope },
) {
  window.history.replaceState(null, '', path);
  return render(
    <Router>
      <ClientContext.Provider value={client}>
        <ScopeContext.Provider value={scope}>{ui}</ScopeContext.Provider>
      </ClientContext.Provider>
    </Router>,
  );
}

export const pageInfo = (hasNextPage: boolean, endCursor: string | null = null) => ({
  hasNextPage,
  endCursor,
});
