import { Client, Connection } from '@temporalio/client';

export interface TemporalConnectionOptions {
  address: string;
  namespace: string;
  /** Temporal Cloud API key; with it, TLS is switched on. */
  apiKey?: string | null;
  tls?: { clientCertPem: string; clientKeyPem: string; serverNameOverride?: string } | null;
}

export async function connectTemporal(
  options: TemporalConnectionOptions,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: options.address,
    apiKey: options.apiKey ?? undefined,
    tls: options.tls
      ? {
          clientCertPair: {
            crt: Buffer.from(options.tls.clientCertPem),
            key: Buffer.from(options.tls.clientKeyPem),
          },
          serverNameOverride: options.tls.serverNameOverride,
        }
      : options.apiKey
        ? true
        : undefined,
  });
  return { client: new Client({ connection, namespace: options.namespace }), connection };
}
