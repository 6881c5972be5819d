import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSender } from './sender';

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
