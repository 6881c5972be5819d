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

export interface TracingConfig {
  /**
   * OTLP/HTTP traces endpoint (e.g. http://otel-collector:4318/v1/traces); null = tracing off
   * (spans are no-ops and cost nothing).
   */
  otlpEndpoint: string | null;
  /** service.name of this process's spans. */
  serviceName: string;
}

/** The standard OpenTelemetry variables, so a collector set up for other services works as is. */
export function readTracingConfig(r: EnvReader, defaultServiceName: string): TracingConfig {
  const traces = r.string('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = r.string('OTEL_EXPORTER_OTLP_ENDPOINT');
  const endpoint = traces ?? (base ? `${base.replace(/\/$/, '')}/v1/traces` : null);
  if (endpoint !== null && !/^https?:\/\//.test(endpoint)) {
    r.problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  }
  return { otlpEndpoint: endpoint, serviceName: r.string('OTEL_SERVICE_NAME', defaultServiceName) };
}
