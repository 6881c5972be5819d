// Shared helpers for the dev/test scripts. Node built-ins only: this runs before `npm install`.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the monorepo root (two levels above infra/dev). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const useColor = process.stdout.isTTY && !('NO_COLOR' in process.env);
const COLORS = [36, 35, 33, 32, 34, 91, 96, 95];
let nextColor = 0;

/** `text` wrapped in an ANSI colour code when stdout is a terminal. */
export function color(code, text) {
  return useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/**
 * A tiny prefixed logger: log('message'), log.warn('...'), log.error('...').
 * @param {string} name
 */
export function createLog(name) {
  const prefix = color(COLORS[nextColor++ % COLORS.length], `[${name}]`);
  const log = (...args) => console.log(prefix, ...args);
  log.warn = (...args) => console.warn(prefix, color(33, 'warning:'), ...args);
  log.error = (...args) => console.error(prefix, color(31, 'error:'), ...args);
  log.child = (child) => createLog(`${name}:${child}`);
  return log;
}

/** A logger that drops everything (default for library functions called without one). */
export function silentLog() {
  const log = () => {};
  log.warn = () => {};
  log.error = () => {};
  log.child = () => log;
  return log;
}

/** Accepts a logger made by createLog, a plain function, or nothing. */
export function normalizeLog(log) {
  if (!log) return silentLog();
  if (typeof log.warn === 'function' && typeof log.error === 'function') return log;
  const wrapped = (...args) => log(...args);
  wrapped.warn = (...args) => log('warning:', ...args);
  wrapped.error = (...args) => log('error:', ...args);
  wrapped.child = () => wrapped;
  return wrapped;
}

/** Random URL-safe token with an optional prefix. */
export function randomToken(bytes = 24, prefix = '') {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` for logs. */
export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Parsed JSON file, or null when it does not exist. */
export async function readJsonFile(file) {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (err) {
    if (err && err.code === 'ENOENT') return null;
    throw new Error(`Could not read ${file}: ${err.message}`, { cause: err });
  }
}

/** Writes JSON atomically with mode 0600 (these files hold secrets). */
export async function writeSecretJsonFile(file, value) {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await fsp.rename(tmp, file);
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Run a command to completion with inherited stdio. Resolves with the exit code (a signal death
 * becomes 128 + signal number, like a shell). Never rejects for a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions & { onSpawn?: (child: import('node:child_process').ChildProcess) => void }} [options]
 * @returns {Promise<number>}
 */
export function run(cmd, args, options = {}) {
  const { onSpawn, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...spawnOptions });
    activeTools.add(child);
    onSpawn?.(child);
    child.once('error', (err) => {
      activeTools.delete(child);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      activeTools.delete(child);
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1));
    });
  });
}

/** Children of run() still running; SIGTERMed (by pid) when the script shuts down. */
const activeTools = new Set();

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** Environment for turbo/npm children: no telemetry (the machine has no internet anyway). */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}

/**
 * `npm ci` when node_modules is missing (and a lock exists), `npm install` when the lock file is
 * newer than the last install. Skipped with HERALD_SKIP_INSTALL=1.
 */
export async function ensureInstalled(log) {
  log = normalizeLog(log);
  if (process.env.HERALD_SKIP_INSTALL === '1') return;
  const lock = path.join(repoRoot, 'package-lock.json');
  const nodeModules = path.join(repoRoot, 'node_modules');
  // npm writes node_modules/.package-lock.json on every install; our stamp covers the case where
  // npm rewrote package-lock.json after its hidden lock file.
  const installedAt = Math.max(
    mtimeMs(path.join(nodeModules, '.package-lock.json')),
    mtimeMs(path.join(nodeModules, '.herald-install-stamp')),
  );
  const hasLock = fs.existsSync(lock);
  let args;
  if (!fs.existsSync(nodeModules) || installedAt === 0) {
    args = hasLock ? ['ci'] : ['install'];
    log(`node_modules is missing: running npm ${args[0]} (first run takes a while)…`);
  } else if (hasLock && mtimeMs(lock) > installedAt + 1000) {
    args = ['install'];
    log('package-lock.json changed since the last install: running npm install…');
  } else {
    return;
  }
  const code = await run('npm', [...args, '--no-audit', '--no-fund'], { env: toolEnv() });
  if (code !== 0) throw new Error(`npm ${args[0]} failed with exit code ${code}`);
  await fsp.writeFile(
    path.join(nodeModules, '.herald-install-stamp'),
    new Date().toISOString() + '\n',
  );
}

/** Path of a binary installed in the root node_modules/.bin. */
export function localBin(name) {
  return path.join(repoRoot, 'node_modules', '.bin', name);
}

/**
 * `turbo run build` (optionally filtered). Skipped with HERALD_SKIP_BUILD=1.
 * @param {{ log?: any, filters?: string[] }} [options]
 */
export async function build({ log, filters = [] } = {}) {
  log = normalizeLog(log);
  if (process.env.HERALD_SKIP_BUILD === '1') {
    log('HERALD_SKIP_BUILD=1: skipping the build');
    return;
  }
  log('Building (turbo run build)…');
  const args = [
    'run',
    'build',
    ...filters.map((f) => `--filter=${f}`),
    '--output-logs=errors-only',
  ];
  const code = await run(localBin('turbo'), args, { env: toolEnv() });
  if (code !== 0) {
    throw new Error(
      `The build failed (turbo run build exited with ${code}); see the compiler output above.`,
    );
  }
}

/**
 * Process-wide shutdown coordination for scripts. Registers SIGINT/SIGTERM/SIGHUP handlers once;
 * `onShutdown(fn)` adds cleanup (run last-registered first). `shutdown(code)` runs them and exits.
 * A second Ctrl-C while cleaning up forces an immediate exit.
 */
const cleanups = [];
let shuttingDown = null;
let signalsInstalled = false;
let signalExitCode = 0;

/**
 * Exit code used when a SIGINT/SIGTERM/SIGHUP triggers the shutdown: a number (default 0), or
 * 'signal' for the shell convention 128 + signal number (130 for Ctrl-C).
 * @param {number | 'signal'} code
 */
export function setSignalExitCode(code) {
  signalExitCode = code;
}

export function onShutdown(fn) {
  cleanups.push(fn);
  installSignalHandlers();
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function isShuttingDown() {
  return shuttingDown !== null;
}

export function shutdown(code = 0, log = undefined) {
  if (shuttingDown) return shuttingDown;
  shuttingDown = (async () => {
    await Promise.all([...activeTools].map((child) => stopChild(child)));
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (err) {
        (log ?? console).error?.(`cleanup failed: ${err?.message ?? err}`);
      }
    }
    process.exit(code);
  })();
  return shuttingDown;
}

/** SIGTERM a child by pid, SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function installSignalHandlers(log) {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (shuttingDown) {
        if (signal === 'SIGINT') {
          console.error('\nSecond interrupt: exiting without waiting for cleanup.');
          process.exit(130);
        }
        return;
      }
      console.log(`\nReceived ${signal}, shutting down…`);
      void shutdown(
        signalExitCode === 'signal' ? 128 + SIGNAL_NUMBERS[signal] : signalExitCode,
        log,
      );
    });
  }
}

/**
 * Minimal HTTP client without connection reuse (`Connection: close`), so probing a server never
 * leaves an idle keep-alive socket that delays its graceful shutdown.
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, text: string }>}
 */
export function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
