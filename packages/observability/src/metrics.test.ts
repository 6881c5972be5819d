import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  apiMetrics,
  attemptResult,
  billingMetrics,
  boundedLabel,
  createRegistry,
  deliveryMetrics,
  metricsHandler,
  metricsRegistry,
} from './metrics';

/** The value of one sample line `name{labels} value` in the exposition text. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('registries', () => {
  it('include the default process metrics, and metric sets are created once per registry', async () => {
    const registry = createRegistry();
    expect(apiMetrics(registry)).toBe(apiMetrics(registry));
    expect(deliveryMetrics(registry)).toBe(deliveryMetrics(registry));
    const text = await registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('# TYPE herald_graphql_operation_duration_seconds histogram');
    expect(metricsRegistry()).toBe(metricsRegistry());
  });

  it('can leave the default metrics out', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    expect(await registry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });
});

describe('apiMetrics', () => {
  it('records HTTP requests, operations and ingest', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const api = apiMetrics(registry);
    api.observeHttp('/graphql', 'POST', 200, 0.004);
    api.observeOperation('SendMessage', 'mutation', 'success', 0.003);
    api.observeOperation('SendMessage', 'mutation', 'error', 0.2);
    api.messagesIngested(100, 2);
    api.messagesIngested(1, 0);
    const text = await registry.metrics();
    expect(
      sample(
        text,
        'herald_http_request_duration_seconds_count',
        'route="/graphql",method="POST",status_class="2xx"',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'herald_graphql_operation_duration_seconds_bucket',
        'le="0.005",operation="SendMessage",type="mutation",outcome="success"',
      ),
    ).toBe(1);
    expect(sample(text, 'herald_messages_ingested_total', 'result="created"')).toBe(101);
    expect(sample(text, 'herald_messages_ingested_total', 'result="duplicate"')).toBe(2);
  });

  it('caps the number of distinct operation names', () => {
    const label = boundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd'].map(label)).toEqual(['a', 'b', 'other', 'a', 'other']);
  });
});

describe('deliveryMetrics', () => {
  it('counts attempts by result and outcome, and times them', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const m = deliveryMetrics(registry);
    m.attempt({ status: 200, errorKind: null, durationMs: 30, outcome: 'succeeded' });
    m.attempt({ status: 503, errorKind: null, durationMs: 1200, outcome: 'retrying' });
    m.attempt({ status: null, errorKind: 'timeout', durationMs: 15000, outcome: 'retrying' });
    m.attempt({ status: 410, errorKind: null, durationMs: 5, outcome: 'failed' });
    const text = await registry.metrics();
    expect(sample(text, 'herald_delivery_attempts_total', 'result="2xx"')).toBe(1);
    expect(sample(text, 'herald_delivery_attempts_total', 'result="5xx"')).toBe(1);
    expect(sample(text, 'herald_delivery_attempts_total', 'result="timeout"')).toBe(1);
    expect(sample(text, 'herald_delivery_attempts_total', 'result="410"')).toBe(1);
    expect(sample(text, 'herald_deliveries_total', 'outcome="retrying"')).toBe(2);
    expect(sample(text, 'herald_deliveries_total', 'outcome="succeeded"')).toBe(1);
    expect(sample(text, 'herald_delivery_attempt_duration_seconds_count', 'success="false"')).toBe(
      3,
    );
    expect(
      sample(text, 'herald_delivery_attempt_duration_seconds_bucket', 'le="0.05",success="true"'),
    ).toBe(1);
  });

  it('classifies attempt results into a fixed set', () => {
    expect(attemptResult(204, null)).toBe('2xx');
    expect(attemptResult(429, null)).toBe('429');
    expect(attemptResult(302, 'redirect')).toBe('redirect');
    expect(attemptResult(null, 'dns')).toBe('dns');
    expect(attemptResult(null, null)).toBe('other');
  });

  it('mirrors the lane circuit: opens after the threshold of consecutive failures, closes on success', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const m = deliveryMetrics(registry);
    m.laneStep('ep_a', 0, 3, 5);
    m.laneStep('ep_a', 0, 2, 5); // 5 consecutive failures: open
    m.laneStep('ep_a', 0, 1, 5); // still open, no new transition
    m.laneStep('ep_b', 0, 10, 5); // opens at once
    m.laneStep('ep_c', 0, 4, 5);
    m.laneStep('ep_c', 1, 0, 5); // recovered before opening
    let text = await registry.metrics();
    expect(sample(text, 'herald_circuit_transitions_total', 'to="open"')).toBe(2);
    expect(sample(text, 'herald_circuit_open_endpoints')).toBe(2);
    m.laneStep('ep_a', 1, 0, 5);
    text = await registry.metrics();
    expect(sample(text, 'herald_circuit_transitions_total', 'to="closed"')).toBe(1);
    expect(sample(text, 'herald_circuit_open_endpoints')).toBe(1);
  });

  it('samples queue lag on scrape, at most once per interval, and survives sampler failures', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const m = deliveryMetrics(registry);
    let calls = 0;
    let fail = false;
    m.setQueueLagSampler(async () => {
      calls++;
      if (fail) throw new Error('db down');
      return { lagSeconds: 12.5, due: 40 };
    }, 60_000);
    let text = await registry.metrics();
    expect(sample(text, 'herald_delivery_queue_lag_seconds')).toBe(12.5);
    expect(sample(text, 'herald_deliveries_due')).toBe(40);
    expect(calls).toBe(1);
    await registry.metrics();
    expect(calls).toBe(1);
    m.setQueueLagSampler(async () => {
      calls++;
      throw new Error('db down');
    }, 0);
    fail = true;
    text = await registry.metrics();
    expect(sample(text, 'herald_queue_lag_sample_errors_total')).toBe(1);
    expect(sample(text, 'herald_delivery_queue_lag_seconds')).toBe(12.5);
  });
});

describe('billingMetrics', () => {
  it('computes the reporting lag from the watermark at scrape time', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const billing = billingMetrics(registry);
    billing.reportedThrough(new Date(Date.now() - 3_600_000));
    billing.usageReport('ok', 3);
    billing.webhook('duplicate');
    const text = await registry.metrics();
    const lag = sample(text, 'herald_billing_reporting_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(3600);
    expect(lag).toBeLessThan(3660);
    expect(sample(text, 'herald_billing_usage_reports_total', 'result="ok"')).toBe(3);
    expect(sample(text, 'herald_billing_webhooks_total', 'result="duplicate"')).toBe(1);
  });
});

describe('metricsHandler', () => {
  it('serves the Prometheus text format over HTTP', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    billingMetrics(registry).webhook('processed');
    const server = createServer(metricsHandler(registry));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain('herald_billing_webhooks_total{result="processed"} 1');
      const post = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
      expect(post.status).toBe(405);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
