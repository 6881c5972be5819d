import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields that belong to the unit of work in progress (an API request, later a trace span) and
 * should appear on every log line written while it runs, without threading a child logger
 * through every call. The API's request middleware opens one per request; whatever code runs
 * inside it (resolvers, the error formatter, the dispatcher) logs with the same request id.
 */
export interface LogContext {
  requestId?: string;
  tenantId?: string;
  [field: string]: unknown;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` attached to every log line written inside it (sync or async). */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The context of the work in progress, or undefined outside one. It is a mutable object: code
 * that learns more (the tenant, once authenticated) adds to it.
 */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

type ContextProvider = () => Record<string, unknown> | undefined;
const providers: ContextProvider[] = [];

/**
 * Adds fields to every log line from another source of context. Tracing registers one that
 * returns the active span's trace and span ids, so logs and traces join up.
 */
export function addLogContextProvider(provider: ContextProvider): () => void {
  providers.push(provider);
  return () => {
    const index = providers.indexOf(provider);
    if (index >= 0) providers.splice(index, 1);
  };
}

/**
 * What the logger merges under each entry's own fields. Always a fresh object: pino assigns the
 * entry's fields into it, which must not leak into the shared context.
 */
export function collectLogContext(): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...storage.getStore() };
  for (const provider of providers) Object.assign(merged, provider());
  return merged;
}
