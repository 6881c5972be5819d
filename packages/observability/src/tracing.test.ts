import { afterEach, describe, expect, it } from 'vitest';
import { collectLogContext } from './context';
import {
  contextFromTraceparent,
  currentTraceparent,
  InMemorySpanExporter,
  startTracing,
  withSpan,
  type Tracing,
} from './tracing';

let tracing: Tracing | null = null;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

describe('tracing', () => {
  it('is off (no-op spans, no traceparent) without an exporter or endpoint', async () => {
    tracing = startTracing({ serviceName: 'test' });
    expect(tracing.enabled).toBe(false);
    const inside = await withSpan('noop', {}, async () => currentTraceparent());
    expect(inside).toBeNull();
  });

  it('continues a traceparent, puts trace ids in log context, and records errors', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', exporter });
    const parent = contextFromTraceparent(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    const seen = await withSpan('child', { parent }, async () => ({
      traceparent: currentTraceparent(),
      log: collectLogContext(),
    }));
    expect(seen.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(seen.log).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c' });

    await expect(
      withSpan('failing', {}, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [child, failing] = exporter.getFinishedSpans();
    expect(child!.parentSpanId).toBe('b7ad6b7169203331');
    expect(failing!.status).toMatchObject({ code: 2, message: 'boom' });
    expect(failing!.events.map((e) => e.name)).toEqual(['exception']);
  });
});
