import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalServer } from './portal-server.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';
let root = '';

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'herald-portal-'));
  await fs.mkdir(path.join(root, 'assets'));
  await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  await fs.writeFile(path.join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
  await fs.writeFile(path.join(root, '..', 'herald-portal-secret.txt'), 'secret').catch(() => {});
  server = createPortalServer({ root });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(path.join(root, '..', 'herald-portal-secret.txt'), { force: true });
});

describe('portal static server', () => {
  it('serves index.html for / and for client-side routes, never cached', async () => {
    for (const route of ['/', '/apps/app_123/endpoints']) {
      const res = await fetch(base + route);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('id="root"');
    }
  });

  it('serves hashed assets with a long cache, and 404s missing files', async () => {
    const res = await fetch(`${base}/assets/app-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('never leaves its root', async () => {
    for (const p of [
      '/../herald-portal-secret.txt',
      '/%2e%2e/herald-portal-secret.txt',
      '/..%2fherald-portal-secret.txt',
    ]) {
      const res = await fetch(base + p);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('answers probes and refuses writes', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(base, { method: 'POST' })).status).toBe(405);
  });
});
