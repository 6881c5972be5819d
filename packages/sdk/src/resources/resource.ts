import type { OperationRequest, Transport } from '../http/transport.js';

/** Shared plumbing of the resource namespaces (`herald.applications`, …). */
export abstract class Resource {
  constructor(private readonly transport: Transport) {}

  protected execute<TData, TVariables>(
    request: OperationRequest<TData, TVariables>,
  ): Promise<TData> {
    return this.transport.execute(request);
  }
}
