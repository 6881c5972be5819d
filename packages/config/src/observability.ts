import type { EnvReader } from './env';

export interface MetricsConfig {
  /** Serve Prometheus metrics on `/metrics` (the API on its own port, the worker on `port`). */
  enabled: boolean;
  /**
   * Port of the worker's small HTTP server (`/healthz`, `/readyz`, `/metrics`); 0 = any free
   * port. The API serves these on its main port instead.
   */
  port: number;
  host: string;
}

export function readMetricsConfig(r: EnvReader): MetricsConfig {
  return {
    enabled: r.bool('HERALD_METRICS_ENABLED', true),
    port: r.int('HERALD_METRICS_PORT', 9464, { min: 0, max: 65535 }),
    host: r.string('HERALD_METRICS_HOST', '0.0.0.0'),
  };
}
