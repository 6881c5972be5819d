import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEndpointHeaders } from '@herald/domain';
import { WebhookSender, type SenderLookup } from './sender';

let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/ok') return res.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
    if (req.url === '/big') return res.writeHead(200).end('x'.repeat(200_000));
    if (req.url === '/redirect') return res.writeHead(302, { location: '/ok' }).end();
    if (req.url === '/throttle') return res.writeHead(429, { 'retry-after': '7' }).end();
    if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end(), 2_000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const allowLoopback = () =>
  new WebhookSender({
    timeoutMs: 500,
    excerptBytes: 4096,
    allowList: ['127.0.0.0/8'],
    connectionsPerOrigin: 4,
  });

describe('WebhookSender', () => {
  it('posts and captures status and body excerpt', async () => {
    const sender = allowLoopback();
    const result = await sender.post(`${base}/ok`, { 'content-type': 'application/json' }, '{}');
    expect(result).toMatchObject({ status: 200, errorKind: null, excerpt: 'fine' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    await sender.close();
  });

  it('caps the response excerpt', async () => {
    const sender = allowLoopback();
    const result = await sender.post(`${base}/big`, {}, '{}');
    expect(result.status).toBe(200);
    expect(Buffer.byteLength(result.excerpt ?? '')).toBeLessThanOrEqual(4096 + 3);
    await sender.close();
  });

  it('does not follow redirects', async () => {
    const sender = allowLoopback();
    hits.length = 0;
    const result = await sender.post(`${base}/redirect`, {}, '{}');
    expect(result).toMatchObject({ status: 302, errorKind: 'redirect' });
    expect(hits).toEqual(['/redirect']);
    await sender.close();
  });

  it('reports Retry-After and times out slow receivers', async () => {
    const sender = allowLoopback();
    expect((await sender.post(`${base}/throttle`, {}, '{}')).retryAfter).toBe('7');
    const slow = await sender.post(`${base}/slow`, {}, '{}');
    expect(slow).toMatchObject({ status: null, errorKind: 'timeout' });
    expect(slow.durationMs).toBeLessThan(1_500);
    await sender.close();
  });

  it('classifies refused connections', async () => {
    const sender = allowLoopback();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await sender.post(`http://127.0.0.1:${port}/`, {}, '{}')).errorKind).toBe('refused');
    await sender.close();
  });

  it('refuses loopback at connect time when it is not allow-listed, literal or by name', async () => {
    const sender = new WebhookSender({
      timeoutMs: 500,
      excerptBytes: 4096,
      allowList: [],
      connectionsPerOrigin: 4,
    });
    hits.length = 0;
    const port = new URL(base).port;
    expect((await sender.post(`${base}/ok`, {}, '{}')).errorKind).toBe('ssrf');
    expect((await sender.post(`http://localhost:${port}/ok`, {}, '{}')).errorKind).toBe('ssrf');
    expect((await sender.post(`http://[::ffff:127.0.0.1]:${port}/ok`, {}, '{}')).errorKind).toBe(
      'ssrf',
    );
    expect(hits).toEqual([]);
    await sender.close();
  });
});

describe('WebhookSender, custom headers', () => {
  it('sends every header the save-time rules accept, byte for byte', async () => {
    // The same values as the API's endpoint-headers test: whatever passes validateEndpointHeaders
    // must reach the receiver unchanged, or attempts would fail after a successful save.
    const custom = {
      Authorization: 'Bearer eyJhbGciOi.J9-_~+/=',
      'X-Empty': '',
      'X-Inner-Tab': 'a\tb c',
      'X-Ascii': '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
      "x!#$%&'*+-.^_`|~9": 'v',
    };
    expect(validateEndpointHeaders(custom)).toEqual(custom);
    let raw: string[] = [];
    const receiver = createServer((req, res) => {
      raw = req.rawHeaders;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const sender = allowLoopback();
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
      const result = await sender.post(url, custom, '{}');
      expect(result).toMatchObject({ status: 204, errorKind: null });
      const got = new Map<string, string>();
      for (let i = 0; i < raw.length; i += 2) got.set(raw[i], raw[i + 1]);
      for (const [name, value] of Object.entries(custom)) expect(got.get(name), name).toBe(value);
    } finally {
      await sender.close();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('WebhookSender, allow-listed names', () => {
  // Linux routes all of 127/8 to lo, so 127.0.0.2 stands for "an address the operator did not
  // allow" while the allow-list only names 127.0.0.1.
  const ALLOW_LIST = ['127.0.0.1/32', 'allowed.example.test', '*.wild.example.test'];
  let receiver: Server;
  /** On 127.0.0.1 and the same port, for what the operator did allow. */
  let allowed: Server;
  const received: string[] = [];
  let port: number;

  const listen = (server: Server, listenPort: number, host: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  beforeAll(async () => {
    // Closing each connection makes the next request look the name up again.
    receiver = createServer((req, res) => {
      received.push(`${req.socket.localAddress} ${req.headers.host}`);
      res.writeHead(200, { connection: 'close' }).end('ok');
    });
    allowed = createServer((_req, res) => res.writeHead(204, { connection: 'close' }).end());
    // The rebinding test needs one port free on both addresses; retry if 127.0.0.1 has it taken.
    for (let attempt = 0; ; attempt++) {
      await listen(receiver, 0, '127.0.0.2');
      port = (receiver.address() as AddressInfo).port;
      try {
        await listen(allowed, port, '127.0.0.1');
        return;
      } catch (error) {
        await close(receiver);
        if (attempt === 4) throw error;
      }
    }
  });
  afterAll(async () => {
    await close(receiver);
    await close(allowed);
  });

  /** A resolver answering from a table that a test may change between requests. */
  function zone(table: Record<string, string>): SenderLookup {
    return (hostname, _options, callback) => {
      const address = table[hostname];
      if (!address) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
        });
        return callback(error, []);
      }
      callback(null, [{ address, family: 4 }]);
    };
  }

  const senderWith = (lookup: SenderLookup, allowList = ALLOW_LIST) =>
    new WebhookSender({
      timeoutMs: 1_000,
      excerptBytes: 4096,
      allowList,
      connectionsPerOrigin: 1,
      lookup,
    });

  it('reaches the receiver when its address is allow-listed (the control case)', async () => {
    received.length = 0;
    const sender = senderWith(zone({ 'allowed.example.test': '127.0.0.2' }), [
      ...ALLOW_LIST,
      '127.0.0.2/32',
    ]);
    const result = await sender.post(`http://allowed.example.test:${port}/`, {}, '{}');
    expect(result).toMatchObject({ status: 200, errorKind: null });
    expect(received).toEqual([`127.0.0.2 allowed.example.test:${port}`]);
    await sender.close();
  });

  it('refuses an allow-listed name resolving to an address outside the CIDR entries', async () => {
    received.length = 0;
    const sender = senderWith(
      zone({ 'allowed.example.test': '127.0.0.2', 'x.wild.example.test': '127.0.0.2' }),
    );
    for (const host of ['allowed.example.test', 'x.wild.example.test']) {
      const result = await sender.post(`http://${host}:${port}/`, {}, '{}');
      expect(result, host).toMatchObject({ status: null, errorKind: 'ssrf' });
    }
    expect(received).toEqual([]);
    await sender.close();
  });

  it('refuses at send time a name that was rebound after it was checked', async () => {
    // The API saw 127.0.0.1 when the endpoint was saved; by delivery time DNS says 127.0.0.2.
    const table: Record<string, string> = { 'allowed.example.test': '127.0.0.1' };
    received.length = 0;
    const sender = senderWith(zone(table));
    const first = await sender.post(`http://allowed.example.test:${port}/`, {}, '{}');
    expect(first).toMatchObject({ status: 204, errorKind: null });
    table['allowed.example.test'] = '127.0.0.2';
    const second = await sender.post(`http://allowed.example.test:${port}/`, {}, '{}');
    expect(second).toMatchObject({ status: null, errorKind: 'ssrf' });
    expect(received).toEqual([]);
    await sender.close();
  });
});
