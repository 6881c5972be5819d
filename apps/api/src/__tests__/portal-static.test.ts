import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

/*
 * The API serves the built web app from its own origin (HERALD_PORTAL_DIR). A stand-in build
 * keeps the test independent of whether apps/portal was built. It sits under a dot-directory, as
 * a clone in ~/.cache/… or CI's mktemp -t .ci-XXXXXX does: `send` refuses dot-segments in the
 * absolute path it is given, which once turned / into a 404 for such clones.
 */
const parent = mkdtempSync(join(tmpdir(), '.herald-'));
const dir = join(parent, 'portal-dist');
const INDEX = '<!doctype html><title>Herald</title><div id="root">portal-index</div>';
let api: TestApi;

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("app")');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  api = await startTestApi({ HERALD_PORTAL_DIR: dir });
});

afterAll(async () => {
  await api?.stop();
  rmSync(parent, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the web app on the API origin', () => {
  it('serves index.html at / and for client-side routes, revalidated and not frameable', async () => {
    for (const path of ['/', '/apps/app_123/endpoints', '/login']) {
      const res = await fetch(`${api.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('lets the consumer portal be embedded in an iframe', async () => {
    const res = await fetch(`${api.url}/portal`, { headers: html });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).not.toContain('frame-ancestors');
  });

  it('caches hashed assets for a year and 404s missing ones instead of answering HTML', async () => {
    const asset = await fetch(`${api.url}/assets/index-Ab12Cd34.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toBe('console.log("app")');

    const other = await fetch(`${api.url}/favicon.svg`);
    expect(other.headers.get('cache-control')).toBe('no-cache');

    const missing = await fetch(`${api.url}/assets/index-gone.js`, { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('portal-index');
  });

  it('never shadows the API routes', async () => {
    const health = await fetch(`${api.url}/healthz`, { headers: html });
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`, { headers: html });
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
    const graphql = await api.gql('{ __typename }');
    expect(graphql.data).toEqual({ __typename: 'Query' });
    for (const path of ['/graphql', '/stripe/webhook', '/metrics']) {
      const res = await fetch(`${api.url}${path}`, { headers: html });
      expect(await res.text(), path).not.toContain('portal-index');
    }
  });

  it('does not answer non-GET requests or non-HTML requests with the app', async () => {
    const post = await fetch(`${api.url}/apps`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
    const json = await fetch(`${api.url}/apps`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
  });
});

describe('without a built web app', () => {
  it('skips serving it (the API still works)', async () => {
    const bare = await startTestApi({ HERALD_PORTAL_DIR: join(dir, 'does-not-exist') });
    try {
      const res = await fetch(`${bare.url}/`, { headers: html });
      expect(res.status).toBe(404);
      expect((await bare.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await bare.stop();
    }
  });
});
