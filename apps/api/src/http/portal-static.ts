import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';

/** Paths the API answers itself; the web app never shadows them, whatever is mounted first. */
const API_PATHS = ['/graphql', '/healthz', '/readyz', '/metrics', '/stripe'];

const YEAR_SECONDS = 365 * 24 * 3600;

function isApiPath(path: string): boolean {
  return API_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Headers of the app's HTML. The tenant dashboard refuses to be framed (clickjacking); the
 * consumer portal at /portal is meant to be embedded in the tenant's own product, so it may be.
 */
function setHtmlHeaders(res: Response, path: string): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  const portal = path === '/portal' || path.startsWith('/portal/');
  const csp = [
    "default-src 'self'",
    "connect-src 'self'",
    "img-src 'self' https: data:",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(portal ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
  res.setHeader('Content-Security-Policy', csp);
  if (!portal) res.setHeader('X-Frame-Options', 'DENY');
}

/**
 * Serves the built web app (apps/portal/dist) from the API's origin: hashed files under
 * /assets with a year-long immutable cache, everything else revalidated, and index.html for the
 * app's client-side routes. Returns null (nothing to mount) when the directory has no index.html.
 */
export function portalStatic(dir: string): RequestHandler | null {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return null;

  const files = express.static(root, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    setHeaders(res, filePath) {
      if (filePath.startsWith(join(root, 'assets') + '/'))
        res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
      else res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    },
  });

  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    // index.html always goes through the fallback so it gets the framing headers of its route.
    if (req.path === '/index.html') return sendIndex(req, res, next);
    files(req, res, (error?: unknown) => {
      if (error) return next(error);
      // A missing asset or file is a 404, not the app: browsers would parse HTML as script.
      if (req.path.startsWith('/assets/') || extname(req.path) !== '') return next();
      if (!req.accepts('html')) return next();
      sendIndex(req, res, next);
    });
  };

  function sendIndex(req: Request, res: Response, next: NextFunction): void {
    setHtmlHeaders(res, req.path);
    // Relative to `root`: `send` checks dot-segments only below the root, so a clone under a
    // dot-directory (~/.cache/…) still serves the app.
    res.sendFile('index.html', { root, cacheControl: false }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  }
}
