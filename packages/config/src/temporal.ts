import type { EnvReader } from './env';

export interface TemporalConfig {
  /** host:port of the Temporal frontend; null when delivery is not configured (API only). */
  address: string | null;
  namespace: string;
  taskQueue: string;
  apiKey: string | null;
  tls: { clientCertPem: string; clientKeyPem: string; serverNameOverride?: string } | null;
}

export function readTemporalConfig(r: EnvReader): TemporalConfig {
  const certPem = r.string('TEMPORAL_TLS_CERT');
  const keyPem = r.string('TEMPORAL_TLS_KEY');
  return {
    address: r.string('TEMPORAL_ADDRESS') ?? null,
    namespace: r.string('TEMPORAL_NAMESPACE', 'default'),
    taskQueue: r.string('HERALD_TASK_QUEUE', 'herald-deliveries'),
    apiKey: r.string('TEMPORAL_API_KEY') ?? null,
    tls:
      certPem && keyPem
        ? {
            clientCertPem: certPem,
            clientKeyPem: keyPem,
            serverNameOverride: r.string('TEMPORAL_TLS_SERVER_NAME'),
          }
        : null,
  };
}
