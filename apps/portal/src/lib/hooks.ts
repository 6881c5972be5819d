import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient as useUrqlClient } from 'urql';
import { ApiError, graphQLClientOf, type Document, type GraphQLClient } from './client';

/** The urql client of the nearest `Provider` (from 'urql'), behind the screens' interface. */
export function useClient(): GraphQLClient {
  return graphQLClientOf(useUrqlClient());
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('INTERNAL', String(error));
}

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | undefined;
  fetching: boolean;
  /** Runs the query again; the current data stays on screen meanwhile. */
  refetch(): void;
}

/**
 * Runs a query whenever its variables change. Responses that arrive after a newer request was
 * started are dropped, so a slow first page never overwrites the second.
 */
export function useQuery<R, V>(
  document: Document<R, V>,
  variables: V,
  options: { pause?: boolean } = {},
): QueryState<R> {
  const client = useClient();
  const key = JSON.stringify(variables ?? null);
  const [state, setState] = useState<{ data?: R; error?: ApiError; fetching: boolean }>({
    fetching: !options.pause,
  });
  const [nonce, setNonce] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (options.pause) return;
    const run = ++latest.current;
    setState((s) => ({ ...s, fetching: true }));
    client.request(document, JSON.parse(key) as V).then(
      (data) => {
        if (run === latest.current) setState({ data, fetching: false });
      },
      (error: unknown) => {
        if (run === latest.current)
          setState((s) => ({ data: s.data, error: toApiError(error), fetching: false }));
      },
    );
  }, [client, document, key, nonce, options.pause]);

  const refetch = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, fetching: state.fetching, refetch };
}

export interface MutationState<R, V> {
  /** Resolves with the data, or with undefined after recording the error. */
  run(variables: V): Promise<R | undefined>;
  fetching: boolean;
  error?: ApiError;
  data?: R;
  reset(): void;
}

export function useMutation<R, V>(document: Document<R, V>): MutationState<R, V> {
  const client = useClient();
  const [state, setState] = useState<{ data?: R; error?: ApiError; fetching: boolean }>({
    fetching: false,
  });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (variables: V) => {
      setState({ fetching: true });
      try {
        const data = await client.request(document, variables);
        if (mounted.current) setState({ data, fetching: false });
        return data;
      } catch (error) {
        if (mounted.current) setState({ error: toApiError(error), fetching: false });
        return undefined;
      }
    },
    [client, document],
  );
  const reset = useCallback(() => setState({ fetching: false }), []);
  return { ...state, run, reset };
}

/** Keeps a subscription open while mounted (and its variables stay the same). */
export function useSubscription<R, V>(
  document: Document<R, V>,
  variables: V,
  onData: (data: R) => void,
  options: { pause?: boolean } = {},
): { error: ApiError | undefined; active: boolean } {
  const client = useClient();
  const key = JSON.stringify(variables ?? null);
  const handler = useRef(onData);
  handler.current = onData;
  const [error, setError] = useState<ApiError>();
  const [active, setActive] = useState(false);
  useEffect(() => {
    if (options.pause) return;
    setError(undefined);
    setActive(true);
    const stop = client.subscribe(document, JSON.parse(key) as V, {
      next: (data) => handler.current(data),
      error: (e) => {
        setError(e);
        setActive(false);
      },
    });
    return () => {
      stop();
      setActive(false);
    };
  }, [client, document, key, options.pause]);
  return { error, active };
}

/**
 * Cursor pagination: the API gives `endCursor`; going back means remembering the cursors that
 * led to each page.
 */
export function useCursorPages(pageSize: number, resetKey: string = '') {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const [forKey, setForKey] = useState(resetKey);
  if (forKey !== resetKey) {
    setForKey(resetKey);
    setStack([null]);
  }
  const after = stack[stack.length - 1] ?? null;
  return {
    first: pageSize,
    after,
    page: stack.length,
    next: (endCursor: string | null | undefined) => {
      if (endCursor) setStack((s) => [...s, endCursor]);
    },
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}
export type CursorPages = ReturnType<typeof useCursorPages>;
