import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';

export interface TemporalConnectionOptions {
  address: string;
  namespace: string;
  /** Temporal Cloud API key; with it, TLS is switched on. */
  apiKey?: string | null;
  tls?: { clientCertPem: string; clientKeyPem: string; serverNameOverride?: string } | null;
  /** Workflow client interceptors, e.g. OpenTelemetry's (the API passes it). */
  workflowInterceptors?: WorkflowClientInterceptor[];
}

/**
 * A client whose connection is made lazily, on first use: the API starts (and keeps storing
 * messages) while Temporal is unreachable, and hand-offs that fail meanwhile are picked up by
 * the reconciler.
 */
export async function connectTemporal(
  options: TemporalConnectionOptions,
): Promise<{ client: Client; connection: Connection }> {
  const connection = Connection.lazy({
    address: options.address,
    apiKey: options.apiKey ?? undefined,
    tls: temporalTls(options),
  });
  const client = new Client({
    connection,
    namespace: options.namespace,
    interceptors: { workflow: options.workflowInterceptors ?? [] },
  });
  return { client, connection };
}

/**
 * The `tls` option of a Temporal connection (client or worker): mTLS with the client pair, plain
 * TLS with an API key (Temporal Cloud), or none.
 */
export function temporalTls(options: Pick<TemporalConnectionOptions, 'apiKey' | 'tls'>) {
  if (options.tls) {
    return {
      clientCertPair: {
        crt: Buffer.from(options.tls.clientCertPem),
        key: Buffer.from(options.tls.clientKeyPem),
      },
      serverNameOverride: options.tls.serverNameOverride,
    };
  }
  return options.apiKey ? true : undefined;
}
