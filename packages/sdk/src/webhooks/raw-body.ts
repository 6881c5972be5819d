import { concatBytes } from './encoding.js';

/**
 * Collects a request stream into its raw bytes, for plain Node `http` handlers (an
 * IncomingMessage is an async iterable of Buffers). Typed structurally so the SDK needs no Node
 * types; `limitBytes` guards against a sender streaming without end.
 */
export async function readRawBody(
  stream: AsyncIterable<Uint8Array | string>,
  limitBytes = 1024 * 1024,
): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    total += bytes.length;
    if (total > limitBytes) throw new RangeError(`Webhook body exceeds ${limitBytes} bytes`);
    chunks.push(bytes);
  }
  return concatBytes(chunks);
}
