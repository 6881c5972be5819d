import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { addLogContextProvider } from './context';

export { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint; spans are batched and sent there. */
  otlpEndpoint?: string | null;
  /** Any exporter instead (tests use an in-memory one); spans are sent one by one. */
  exporter?: SpanExporter;
}

export interface Tracing {
  enabled: boolean;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process when an exporter or an OTLP endpoint is given: registers a
 * global tracer provider (W3C trace-context propagation, AsyncLocalStorage context) and puts
 * traceId/spanId on every log line written inside a span. Without either, nothing is registered
 * and every span below is a no-op.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.exporter && !options.otlpEndpoint) {
    return { enabled: false, shutdown: async () => undefined };
  }
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpEndpoint! }));
  const provider = new NodeTracerProvider({
    resource: new Resource({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const removeLogContext = addLogContextProvider(() => {
    const span = trace.getActiveSpan()?.spanContext();
    return span ? { traceId: span.traceId, spanId: span.spanId } : {};
  });
  return {
    enabled: true,
    async shutdown() {
      removeLogContext();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

export function tracer(): Tracer {
  return trace.getTracer('herald');
}

/** The current trace context as a W3C `traceparent` value, or null outside a sampled span. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored or received `traceparent` (and `tracestate`) describe. */
export function contextFromTraceparent(
  traceparent: string | null | undefined,
  tracestate?: string | null,
): Context {
  if (!traceparent) return context.active();
  const carrier: Record<string, string> = { traceparent };
  if (tracestate) carrier.tracestate = tracestate;
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs `fn` in a new span (child of `parent`, default the active context), ending it when `fn`
 * settles and recording a thrown error on it.
 */
export async function withSpan<T>(
  name: string,
  options: {
    kind?: SpanKind;
    parent?: Context;
    links?: Link[];
    attributes?: Record<string, string | number | boolean>;
  },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, links: options.links, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
