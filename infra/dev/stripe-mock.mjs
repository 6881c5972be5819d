// stripe-mock (Stripe's own API mock, https://github.com/stripe/stripe-mock) for billing tests: a
// process on a free loopback port. The binary is looked up in <repo>/.tools/bin,
// ~/.cache/herald/bin and PATH, and installed with `go install` (pinned) when Go is available.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { findTool, goInstall } from './go-tools.mjs';
import { freePort, waitForPort } from './ports.mjs';
import { httpRequest, normalizeLog, repoRoot } from './util.mjs';

export const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock';
export const STRIPE_MOCK_VERSION = 'v0.197.0';
const HOST = '127.0.0.1';
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} StripeMockHandle
 * @property {string} url   e.g. http://127.0.0.1:41234 (no trailing slash)
 * @property {number} port
 * @property {number | null} pid
 * @property {() => Promise<void>} stop  SIGTERM to this pid only, then wait (SIGKILL after 5 s)
 */

/**
 * Start stripe-mock on a free 127.0.0.1 port and wait until it answers HTTP.
 * @param {{ log?: any }} [options]
 * @returns {Promise<StripeMockHandle>}
 */
export async function ensureStripeMock({ log } = {}) {
  log = normalizeLog(log);
  const bin = (await findStripeMock()) ?? (await installStripeMock(log));
  const port = await freePort(HOST);
  // Both listeners on loopback: without -https-addr stripe-mock also opens HTTPS on *:12112,
  // which is not loopback-only and lets only one instance run per machine.
  const httpsPort = await freePort(HOST);
  const child = spawn(
    bin,
    ['-http-addr', `${HOST}:${port}`, '-https-addr', `${HOST}:${httpsPort}`],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      output.push(line);
      if (output.length > 50) output.shift();
    });
  }
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnFailed = new Promise((_r, reject) => child.once('error', reject));
  spawnFailed.catch(() => {});
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  const onProcessExit = () => {
    if (isAlive()) child.kill('SIGTERM');
  };
  process.on('exit', onProcessExit);
  child.once('exit', () => process.removeListener('exit', onProcessExit));

  let stopped = null;
  const stop = () => {
    stopped ??= (async () => {
      if (!isAlive()) return;
      child.kill('SIGTERM'); // this pid only
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      log(`stripe-mock stopped (pid ${child.pid})`);
    })();
    return stopped;
  };

  const url = `http://${HOST}:${port}`;
  try {
    await Promise.race([spawnFailed, waitForPort(HOST, port, START_TIMEOUT_MS, { isAlive })]);
    await waitForHttp(url, isAlive);
  } catch (err) {
    await stop();
    const tail = output.slice(-20).join('\n');
    throw new Error(
      `stripe-mock did not start: ${err.message}${tail ? `\nLast output:\n${tail}` : ''}`,
      { cause: err },
    );
  }
  log(`stripe-mock ready at ${url} (pid ${child.pid})`);
  return { url, port, pid: child.pid ?? null, stop };
}

/** Path of an installed stripe-mock, or null: <repo>/.tools/bin, ~/.cache/herald/bin, PATH. */
export async function findStripeMock() {
  return findTool('stripe-mock');
}

/** `GOBIN=~/.cache/herald/bin go install github.com/stripe/stripe-mock@<pinned>`. */
export async function installStripeMock(log) {
  // go install writes the binary atomically, so concurrent installs at worst duplicate work.
  return goInstall({
    name: 'stripe-mock',
    module: STRIPE_MOCK_MODULE,
    version: STRIPE_MOCK_VERSION,
    log: normalizeLog(log),
    timeoutMs: INSTALL_TIMEOUT_MS,
    missingHint: `Install it with \`go install ${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION}\` or set HERALD_TEST_STRIPE_MOCK_URL.`,
  });
}

// ---------------------------------------------------------------------------------------------

/** stripe-mock answers 401 without an API key once its HTTP handler is up. */
async function waitForHttp(url, isAlive) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('stripe-mock exited');
    try {
      const res = await httpRequest(`${url}/v1/customers?limit=1`, {
        headers: { authorization: 'Bearer sk_test_123' },
        timeoutMs: 2000,
      });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer from ${url} after ${START_TIMEOUT_MS / 1000} s (${last})`);
}
