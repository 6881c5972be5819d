import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import {
  currentLogContext,
  metricsHandler,
  runWithLogContext,
  type ApiMetrics,
  type LogContext,
  type Logger,
  type Registry,
} from '@herald/observability';
import type { ApiContext } from '../context';

/*
 * Request ids, request logs and Prometheus metrics for the API. The hot path (sendMessage at
 * hundreds of requests a second) pays for one id, one AsyncLocalStorage scope and two histogram
 * observations per request; access lines are written at debug level, failures and slow requests
 * at warn.
 */

/** Ids we echo back and log: printable, no spaces, bounded (anything else gets a fresh one). */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
/** Route label values: a fixed set, never the raw path (which clients control). */
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
const SLOW_REQUEST_MS = 1_000;

interface RequestLogContext extends LogContext {
  requestId: string;
  operation?: string;
}

export interface RequestObservabilityOptions {
  logger: Logger;
  /** null when metrics are disabled. */
  metrics: ApiMetrics | null;
}

/**
 * Accepts `x-request-id` (or makes one), echoes it, and runs the rest of the request inside a
 * log context so every entry written while serving it carries the id (and the tenant, once the
 * GraphQL plugin knows it).
 */
export function requestObservability({ logger, metrics }: RequestObservabilityOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    let requestId = req.headers['x-request-id'];
    if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) {
      requestId = randomUUID();
      // The GraphQL context reads the header: give it the same id we log and echo.
      req.headers['x-request-id'] = requestId;
    }
    res.setHeader('x-request-id', requestId);
    const context: RequestLogContext = { requestId };
    // Read now: routers mounted on a path rewrite req.url while they handle the request.
    const path = req.path;
    res.once('finish', () => {
      const ms = performance.now() - started;
      const route = ROUTES.has(path) ? path : 'other';
      metrics?.observeHttp(route, req.method, res.statusCode, ms / 1000);
      const level = res.statusCode >= 500 || ms >= SLOW_REQUEST_MS ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      // 'finish' fires outside the request's async scope: pass the context explicitly. The path
      // only (no query string: magic-link tokens travel there).
      logger[level]('request', {
        ...context,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round(ms * 10) / 10,
      });
    });
    runWithLogContext(context, next);
  };
}

/** GET /metrics handler in Prometheus text format. */
export function metricsRoute(registry?: Registry) {
  return metricsHandler(registry) as (req: Request, res: Response) => void;
}

/**
 * Per-operation latency (by operation name, else the root fields), the tenant id on the request's
 * log context, and ingest counts read from sendMessage/sendMessages results.
 */
export function graphqlObservabilityPlugin(
  metrics: ApiMetrics | null,
): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const logContext = currentLogContext() as RequestLogContext | undefined;
      const principal = contextValue.principal;
      if (logContext && principal && 'tenantId' in principal)
        logContext.tenantId = principal.tenantId;
      let operation = 'invalid';
      let type = 'unknown';
      let definition: OperationDefinitionNode | undefined;
      return {
        async didResolveOperation(request) {
          const resolved = request.operation;
          if (!resolved) return;
          definition = resolved;
          type = resolved.operation;
          operation = request.operationName ?? rootFieldNames(resolved);
          if (logContext) logContext.operation = operation;
        },
        async willSendResponse({ response, errors }) {
          if (!metrics) return;
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : undefined;
          const failed = (errors?.length ?? 0) > 0 || (result?.errors?.length ?? 0) > 0;
          metrics.observeOperation(
            operation,
            type,
            failed ? 'error' : 'success',
            (performance.now() - started) / 1000,
          );
          if (type === 'mutation' && definition && result?.data) {
            countIngest(metrics, definition, result.data as Record<string, unknown>);
          }
        },
      };
    },
  };
}

function rootFieldNames(definition: OperationDefinitionNode): string {
  const names: string[] = [];
  for (const selection of definition.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    if (names.length === 3) break;
  }
  return names.length ? names.join(',') : 'anonymous';
}

/**
 * Messages accepted, from what the mutation answered (the publish path stays untouched). Counts
 * are exact when the client selects `duplicate` / `createdCount` (the SDK does); otherwise a
 * sendMessage counts as created and a sendMessages counts its results.
 */
function countIngest(
  metrics: ApiMetrics,
  definition: OperationDefinitionNode,
  data: Record<string, unknown>,
): void {
  let created = 0;
  let duplicates = 0;
  for (const selection of definition.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    if (name !== 'sendMessage' && name !== 'sendMessages') continue;
    const value = data[selection.alias?.value ?? name] as Record<string, unknown> | null;
    if (!value) continue;
    if (name === 'sendMessage') {
      if (value.duplicate === true) duplicates++;
      else created++;
    } else if (typeof value.createdCount === 'number') {
      created += value.createdCount;
      if (typeof value.duplicateCount === 'number') duplicates += value.duplicateCount;
    } else if (Array.isArray(value.results)) {
      for (const r of value.results as { duplicate?: boolean }[]) {
        if (r.duplicate === true) duplicates++;
        else created++;
      }
    }
  }
  metrics.messagesIngested(created, duplicates);
}
