import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';

/*
 * OpenTelemetry across the product: a caller's trace continues into the API's request span, the
 * message keeps that context, and the worker's HTTP delivery span is its child, linked to the
 * Temporal activity span that ran it. Spans are collected in memory (OTLP in production).
 */
const load = createRequire(__filename);
const observability = load('@herald/observability') as typeof import('@herald/observability');
type ReadableSpan = import('@herald/observability').ReadableSpan;

let stack: Stack;
let receiver: Receiver;
let exporter: InstanceType<typeof observability.InMemorySpanExporter>;
let tracing: import('@herald/observability').Tracing;

beforeAll(async () => {
  exporter = new observability.InMemorySpanExporter();
  tracing = observability.startTracing({ serviceName: 'herald-e2e', exporter });
  stack = await startStack();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  await tracing?.shutdown();
});

describe('tracing', () => {
  it('follows one message from the API request to its HTTP delivery', async () => {
    const { apiKey } = await stack.createTenant('Traced');
    await stack.ok(
      `mutation { createApplication(input: { name: "A", uid: "a" }) { id } }`,
      {},
      apiKey,
    );
    await stack.ok(
      `mutation($u: String!) { createEndpoint(input: { application: "a", url: $u }) { id } }`,
      { u: receiver.url },
      apiKey,
    );

    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${apiKey}`,
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({
        operationName: 'PublishTraced',
        query: `mutation PublishTraced { sendMessage(input: { application: "a", eventType: "x.y", payload: { n: 1 } }) { message { id } } }`,
      }),
    });
    const messageId = ((await res.json()) as any).data.sendMessage.message.id as string;

    const deliverSpan = await eventually<ReadableSpan | undefined>(
      async () =>
        exporter
          .getFinishedSpans()
          .find(
            (s) => s.name === 'webhook.deliver' && s.attributes['herald.message_id'] === messageId,
          ),
      { timeoutMs: 30_000 },
    );
    if (!deliverSpan) throw new Error('unreachable: eventually returns a span');
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'graphql PublishTraced');
    expect(server).toBeDefined();
    // The API continued the caller's trace; the delivery continued the API's.
    expect(server!.spanContext().traceId).toBe(traceId);
    expect(server!.parentSpanId).toBe(callerSpanId);
    expect(deliverSpan.spanContext().traceId).toBe(traceId);
    expect(deliverSpan.parentSpanId).toBe(server!.spanContext().spanId);
    expect(deliverSpan.attributes).toMatchObject({
      'http.response.status_code': 200,
      'herald.attempt': 1,
    });
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === messageId)).toBe(true);

    // …and it links to the Temporal activity that ran it, whose span the interceptor made.
    // (The activity's span ends after the attempt's, when the activity returns.)
    const linked = deliverSpan.links.map((l) => l.context.spanId);
    expect(linked).toHaveLength(1);
    const activity = await eventually<ReadableSpan | undefined>(
      async () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.name === 'RunActivity:deliverDue' && s.spanContext().spanId === linked[0]),
      { timeoutMs: 10_000 },
    );
    // The activity ran in the endpoint's lane workflow.
    expect(activity?.attributes.temporalWorkflowId).toBe(
      `lane:${deliverSpan.attributes['herald.endpoint_id']}`,
    );

    // The context travelled through PostgreSQL with the message.
    const [row] = await stack.db.withSystem((m) =>
      m.query(`SELECT trace_context FROM messages WHERE id = $1`, [messageId]),
    );
    expect(row.trace_context).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('starts a trace of its own for a request without traceparent', async () => {
    exporter.reset();
    const { apiKey } = await stack.createTenant('Untraced');
    const spans = exporter.getFinishedSpans().filter((s) => s.name.startsWith('graphql '));
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((s) => /^[0-9a-f]{32}$/.test(s.spanContext().traceId))).toBe(true);
    expect(apiKey).toMatch(/^hk_/);
  });
});
