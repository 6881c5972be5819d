#!/usr/bin/env node
// A static file server for the portal's Vite build, with Node built-ins only (the portal image has
// no node_modules). Single-page app: unknown paths without a file extension get index.html so deep
// links work; hashed files under /assets are cached for a year, index.html never.
//
//   PORT (8080), HOST (0.0.0.0), PORTAL_ROOT (./public)
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

/**
 * @param {{ root: string }} options
 * @returns {http.Server}
 */
export function createPortalServer({ root }) {
  const base = path.resolve(root);
  return http.createServer((req, res) => {
    void serve(base, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    });
  });
}

/**
 * @param {string} base
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
async function serve(base, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://portal.invalid').pathname);
  } catch {
    res.writeHead(400, SECURITY_HEADERS).end();
    return;
  }
  if (pathname === '/healthz' || pathname === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  let file = path.resolve(base, `.${pathname}`);
  // Never outside the root, whatever the path says (`..`, encoded slashes, NUL).
  if ((file !== base && !file.startsWith(base + path.sep)) || pathname.includes('\0')) {
    res.writeHead(404, SECURITY_HEADERS).end();
    return;
  }
  let stat = await fsp.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fsp.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) {
    // A missing asset is a 404; any other path is a client-side route.
    if (path.extname(pathname) !== '') {
      res.writeHead(404, SECURITY_HEADERS).end();
      return;
    }
    file = path.join(base, 'index.html');
    stat = await fsp.stat(file).catch(() => null);
    if (!stat?.isFile()) {
      res.writeHead(404, SECURITY_HEADERS).end();
      return;
    }
  }
  const immutable = pathname.startsWith('/assets/');
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file).pipe(res);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '0.0.0.0';
  const root = process.env.PORTAL_ROOT ?? path.resolve('public');
  const server = createPortalServer({ root });
  server.listen(port, host, () => {
    process.stdout.write(
      `${JSON.stringify({ level: 'info', time: new Date().toISOString(), app: 'portal', msg: 'portal listening', host, port, root })}\n`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
