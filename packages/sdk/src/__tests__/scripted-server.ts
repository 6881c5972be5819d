import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { query: string; variables: Record<string, any> };
}

/** What the server does with one request: answer, or hang up without answering. */
export type ScriptedReply =
  | { status?: number; headers?: Record<string, string>; body: unknown }
  | { destroy: true }
  | { delayMs: number; body: unknown };

/**
 * A real HTTP server on 127.0.0.1 that answers from a script, one reply per request (the last
 * repeats), and records what it received. No fetch mocks: the client goes through the network.
 */
export interface ScriptedServer {
  baseUrl: string;
  requests: RecordedRequest[];
  script(...replies: (ScriptedReply | ((request: RecordedRequest) => ScriptedReply))[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let replies: (ScriptedReply | ((request: RecordedRequest) => ScriptedReply))[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    };
    requests.push(recorded);
    const next = replies[Math.min(requests.length - 1, replies.length - 1)];
    const reply = typeof next === 'function' ? next(recorded) : next;
    if (!reply) throw new Error('scripted server: no reply scripted');
    if ('destroy' in reply) {
      req.socket.destroy();
      return;
    }
    if ('delayMs' in reply) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    const status = 'status' in reply ? (reply.status ?? 200) : 200;
    const headers = 'headers' in reply ? reply.headers : {};
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script(...next) {
      replies = next;
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A GraphQL error body as the Herald API formats it. */
export function graphqlError(code: string, message = code, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }], data: null };
}
