import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent, errors as undiciErrors } from 'undici';
import {
  checkResolvedAddresses,
  isAddressAllowed,
  parseAllowList,
  parseIp,
  type AllowList,
  type NetworkErrorKind,
} from '@herald/domain';

export type SendErrorKind = NetworkErrorKind | 'ssrf' | 'redirect';

export interface SendResult {
  /** HTTP status, when a response arrived. */
  status: number | null;
  errorKind: SendErrorKind | null;
  errorMessage: string | null;
  retryAfter: string | null;
  /** First bytes of the response body (UTF-8, lossy). */
  excerpt: string | null;
  durationMs: number;
}

export interface SenderOptions {
  timeoutMs: number;
  excerptBytes: number;
  allowList: string[];
  /** Sockets kept per origin. */
  connectionsPerOrigin: number;
  /** Name resolution; the system resolver unless a test passes its own zone. */
  lookup?: SenderLookup;
}

/** `dns.lookup` with `all: true`: every address of a name, each of which the guard checks. */
export type SenderLookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: SenderLookup = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

class SsrfRefusal extends Error {
  readonly code = 'HERALD_SSRF';
}

/**
 * POSTs webhooks. Keep-alive pools per origin, no redirects, bounded time and response size,
 * and the SSRF guard applied to every address a host name resolves to, at connect time — so
 * a DNS answer that changed since the endpoint was saved cannot reach an internal address.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private readonly allowList: AllowList;

  constructor(private readonly options: SenderOptions) {
    this.allowList = parseAllowList(options.allowList);
    const allowList = this.allowList;
    const resolve = options.lookup ?? systemLookup;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      connect: {
        lookup(hostname, lookupOptions, callback) {
          resolve(hostname, { ...lookupOptions, all: true }, (error, list) => {
            if (error) return callback(error, '', 4);
            // An allow-listed name gets no pass here: its addresses need a CIDR entry unless
            // public, whoever controls its DNS (see checkResolvedAddresses).
            const verdict = checkResolvedAddresses(
              list.map((a) => a.address),
              allowList,
            );
            if (!verdict.allowed) {
              return callback(
                new SsrfRefusal(
                  `${hostname} resolved to a ${verdict.class} address, which is not allowed`,
                ),
                '',
                4,
              );
            }
            if ((lookupOptions as { all?: boolean }).all)
              return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
            return callback(null, list[0].address, list[0].family);
          });
        },
      },
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const done = (partial: Partial<SendResult>): SendResult => ({
      status: null,
      errorKind: null,
      errorMessage: null,
      retryAfter: null,
      excerpt: null,
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done({ errorKind: 'other', errorMessage: 'Invalid URL' });
    }
    const literal = parseIp(target.hostname.replace(/^\[|\]$/g, ''));
    if (
      literal &&
      !isAddressAllowed(target.hostname.replace(/^\[|\]$/g, ''), this.allowList).allowed
    ) {
      return done({ errorKind: 'ssrf', errorMessage: `Address ${target.hostname} is not allowed` });
    }
    try {
      const response = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const excerpt = await readExcerpt(response.body, this.options.excerptBytes);
      const retryAfter = response.headers['retry-after'];
      const status = response.statusCode;
      return done({
        status,
        excerpt,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : (retryAfter ?? null),
        ...(status >= 300 && status < 400
          ? { errorKind: 'redirect' as const, errorMessage: 'Redirects are not followed' }
          : {}),
      });
    } catch (error) {
      return done(classifyError(error));
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Reads up to `limit` bytes, then drops the rest without waiting for it. */
async function readExcerpt(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
    // Small leftovers are drained so the connection can be reused; big ones are cut off.
    if (size > limit + 64 * 1024) {
      truncated = true;
      body.destroy();
      break;
    }
  }
  if (size === 0) return null;
  const text = Buffer.concat(chunks).toString('utf8');
  return truncated ? `${text}…` : text;
}

function classifyError(error: unknown): Partial<SendResult> {
  const e = error as {
    code?: string;
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(error);
  if (error instanceof SsrfRefusal || e.cause instanceof SsrfRefusal || code === 'HERALD_SSRF') {
    return { errorKind: 'ssrf', errorMessage: message };
  }
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    code === 'ETIMEDOUT'
  ) {
    return { errorKind: 'timeout', errorMessage: message };
  }
  if (code === 'ECONNREFUSED') return { errorKind: 'refused', errorMessage: message };
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    error instanceof undiciErrors.SocketError
  ) {
    return { errorKind: 'reset', errorMessage: message };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA')
    return { errorKind: 'dns', errorMessage: message };
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate|tls/i.test(message)) {
    return { errorKind: 'tls', errorMessage: message };
  }
  return { errorKind: 'other', errorMessage: message };
}
