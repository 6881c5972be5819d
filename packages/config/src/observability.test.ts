import { describe, expect, it } from 'vitest';
import { loadApiConfig, loadWorkerConfig } from './index';

const base = {
  DATABASE_URL: 'postgres://localhost/herald',
  HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('metrics configuration', () => {
  it('is on by default, with the worker serving probes and metrics on 9464', () => {
    expect(loadApiConfig(base).metrics.enabled).toBe(true);
    const worker = loadWorkerConfig({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(worker.metrics).toEqual({ enabled: true, port: 9464, host: '0.0.0.0' });
  });

  it('reads overrides and rejects bad ports', () => {
    const worker = loadWorkerConfig({
      ...base,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      HERALD_METRICS_ENABLED: 'false',
      HERALD_METRICS_PORT: '0',
      HERALD_METRICS_HOST: '127.0.0.1',
    });
    expect(worker.metrics).toEqual({ enabled: false, port: 0, host: '127.0.0.1' });
    expect(() => loadApiConfig({ ...base, HERALD_METRICS_PORT: '70000' })).toThrow(
      /HERALD_METRICS_PORT/,
    );
  });
});

describe('tracing configuration', () => {
  it('is off without an OTLP endpoint and names each service', () => {
    expect(loadApiConfig(base).tracing).toEqual({ otlpEndpoint: null, serviceName: 'herald-api' });
    const worker = loadWorkerConfig({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(worker.tracing.serviceName).toBe('herald-worker');
  });

  it('reads the standard OpenTelemetry variables', () => {
    expect(
      loadApiConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing,
    ).toEqual({ otlpEndpoint: 'http://collector:4318/v1/traces', serviceName: 'herald-api' });
    expect(
      loadApiConfig({
        ...base,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/v1/traces',
        OTEL_SERVICE_NAME: 'api-eu',
      }).tracing,
    ).toEqual({ otlpEndpoint: 'https://traces.example.com/v1/traces', serviceName: 'api-eu' });
    expect(() => loadApiConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
