import type { ApolloServerPlugin } from '@apollo/server';
import {
  contextFromTraceparent,
  SpanKind,
  SpanStatusCode,
  trace,
  tracer,
} from '@herald/observability';
import type { ApiContext } from '../context';

/**
 * One server span per GraphQL request, continuing the caller's trace when it sends a W3C
 * `traceparent`. The span's own traceparent goes on the context, so what the request publishes
 * carries it to the worker. With tracing off the tracer is a no-op and traceparent stays null.
 */
export function tracingPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const headers = request.http?.headers;
      const parent = contextFromTraceparent(
        headers?.get('traceparent'),
        headers?.get('tracestate'),
      );
      const span = tracer().startSpan(
        `graphql ${request.operationName ?? 'request'}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'graphql.operation.name': request.operationName ?? '' },
        },
        parent,
      );
      const ids = span.spanContext();
      if (trace.isSpanContextValid(ids)) {
        const flags = ids.traceFlags.toString(16).padStart(2, '0');
        contextValue.traceparent = `00-${ids.traceId}-${ids.spanId}-${flags}`;
        span.setAttribute('herald.request_id', contextValue.requestId);
      }
      return {
        async didResolveOperation({ operation }) {
          if (operation) span.setAttribute('graphql.operation.type', operation.operation);
          const principal = contextValue.principal;
          if (principal && 'tenantId' in principal) {
            span.setAttribute('herald.tenant_id', principal.tenantId);
          }
        },
        async didEncounterErrors({ errors }) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        },
        async willSendResponse() {
          span.end();
        },
      };
    },
  };
}
