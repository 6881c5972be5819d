import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../dev/util.mjs';

/*
 * The Grafana dashboard only queries metrics that exist: Herald's own (declared in
 * packages/observability/src/metrics.ts) and Node's default process metrics (prom-client).
 */
const dashboard = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'infra', 'grafana', 'herald-dashboard.json'), 'utf8'),
);

function declaredMetrics() {
  const names = new Set();
  const source = fs.readFileSync(
    path.join(repoRoot, 'packages', 'observability', 'src', 'metrics.ts'),
    'utf8',
  );
  for (const [, kind, name] of source.matchAll(/new (\w+)\(\{\s*name: '(herald_\w+)'/g)) {
    names.add(name);
    if (kind === 'Histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
  }
  const promClient = ['node_modules/prom-client', 'packages/observability/node_modules/prom-client']
    .map((dir) => path.join(repoRoot, dir, 'lib', 'metrics'))
    .find((dir) => fs.existsSync(dir));
  for (const file of fs.readdirSync(promClient).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(promClient, file), 'utf8');
    for (const m of text.matchAll(/'((?:process|nodejs)_[a-z0-9_]+)'/g)) names.add(m[1]);
  }
  return names;
}

/** @returns {any[]} */
const allPanels = () => dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

describe('herald-dashboard.json', () => {
  it('is an importable dashboard with unique panel ids inside the 24-column grid', () => {
    expect(dashboard.uid).toBe('herald-overview');
    const ids = allPanels().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of allPanels()) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
  });

  it('has panels for delivery, queue lag, circuits, API latency, ingest and billing lag', () => {
    const exprs = allPanels()
      .flatMap((p) => p.targets ?? [])
      .map((t) => t.expr)
      .join('\n');
    for (const metric of [
      'herald_deliveries_total',
      'herald_delivery_attempts_total',
      'herald_delivery_attempt_duration_seconds_bucket',
      'herald_delivery_queue_lag_seconds',
      'herald_circuit_open_endpoints',
      'herald_graphql_operation_duration_seconds_bucket',
      'herald_messages_ingested_total',
      'herald_billing_reporting_lag_seconds',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it('queries only metrics that the apps export', () => {
    const known = declaredMetrics();
    const used = new Set();
    for (const target of allPanels().flatMap((p) => p.targets ?? [])) {
      for (const m of target.expr.matchAll(/\b((?:herald|process|nodejs)_[a-z0-9_]+)/g)) {
        used.add(m[1]);
      }
    }
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });
});
