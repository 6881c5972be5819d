// Temporal for local development and tests: TEMPORAL_ADDRESS when set, else a `temporal server
// start-dev` process on free loopback ports. The CLI is looked up in <repo>/.tools/bin,
// ~/.cache/herald/bin and PATH, and installed with `go install` (pinned) when Go is available.
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  findGo,
  findTool,
  goInstall,
  goInstallOf,
  isExecutable,
  toolCacheBin,
} from './go-tools.mjs';
import { freePort, waitForPort } from './ports.mjs';
import { normalizeLog, repoRoot } from './util.mjs';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const HOST = '127.0.0.1';
const cacheBin = toolCacheBin;
const INSTALL_TIMEOUT_MS = 45 * 60_000;
const START_TIMEOUT_MS = 120_000;

/**
 * @typedef {object} TemporalHandle
 * @property {string} address     host:port of the frontend gRPC service
 * @property {string | null} uiUrl
 * @property {string} namespace
 * @property {boolean} embedded   false when TEMPORAL_ADDRESS was used
 * @property {number | null} pid
 * @property {(cb: (code: number | null, signal: string | null) => void) => void} onExit
 *   called if the dev server exits while we did not ask it to
 * @property {() => Promise<void>} stop  SIGTERM to the dev server's pid, then wait (SIGKILL after 15 s)
 */

/**
 * @param {object} [options]
 * @param {string | null} [options.dbFile]  SQLite file for persistent state; null = in-memory
 * @param {boolean} [options.headless]      no Web UI (tests); default false
 * @param {any} [options.log]
 * @param {Record<string, string | undefined>} [options.env]
 * @returns {Promise<TemporalHandle>}
 */
export async function ensureTemporal({
  dbFile = null,
  headless = false,
  log,
  env = process.env,
} = {}) {
  log = normalizeLog(log);
  if (env.TEMPORAL_ADDRESS) {
    log(`Using TEMPORAL_ADDRESS (${env.TEMPORAL_ADDRESS}); not starting a Temporal dev server`);
    return {
      address: env.TEMPORAL_ADDRESS,
      uiUrl: null,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      embedded: false,
      pid: null,
      onExit: () => {},
      stop: async () => {},
    };
  }

  const cli = (await findTemporalCli(log)) ?? (await installTemporalCli(log));
  const grpcPort = await freePort(HOST);
  const httpPort = await freePort(HOST);
  const metricsPort = await freePort(HOST);
  const uiPort = headless ? null : await freePort(HOST);
  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(grpcPort),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    ...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']),
    '--log-level',
    'warn',
    // No calls home from the dev server.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
  ];
  if (dbFile) {
    dbFile = path.resolve(dbFile);
    await fsp.mkdir(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }

  const address = `${HOST}:${grpcPort}`;
  log(
    `Starting Temporal dev server on ${address}${dbFile ? ` (state: ${dbFile})` : ' (in-memory)'}…`,
  );
  // detached: a terminal Ctrl-C reaches only our script, which stops workers before Temporal.
  const child = spawn(cli, args, {
    cwd: repoRoot,
    env: { ...env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = [];
  let stopping = false;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnFailed = new Promise((_r, reject) => child.once('error', reject));
  spawnFailed.catch(() => {});
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      output.push(line);
      if (output.length > 100) output.shift();
      if (!stopping && line.trim()) log(line);
    });
  }
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  const onProcessExit = () => {
    if (isAlive()) child.kill('SIGTERM');
  };
  process.on('exit', onProcessExit);
  child.once('exit', () => process.removeListener('exit', onProcessExit));

  let stopped = null;
  const stop = () => {
    if (!stopped) {
      stopping = true;
      stopped = (async () => {
        if (!isAlive()) return;
        child.kill('SIGTERM'); // this pid only
        const timer = setTimeout(() => {
          log.warn(
            `Temporal dev server (pid ${child.pid}) ignored SIGTERM for 15 s; sending SIGKILL`,
          );
          child.kill('SIGKILL');
        }, 15_000);
        await exited;
        clearTimeout(timer);
        log(`Temporal dev server stopped (pid ${child.pid})`);
      })();
    }
    return stopped;
  };

  try {
    await Promise.race([spawnFailed, waitForPort(HOST, grpcPort, START_TIMEOUT_MS, { isAlive })]);
    await waitForNamespace(cli, address, 'default', isAlive);
  } catch (err) {
    await stop();
    const tail = output.slice(-20).join('\n');
    throw new Error(
      `Temporal dev server did not start: ${err.message}${tail ? `\nLast output:\n${tail}` : ''}`,
      { cause: err },
    );
  }

  const uiUrl = uiPort ? `http://localhost:${uiPort}` : null;
  log(`Temporal ready at ${address} (pid ${child.pid})${uiUrl ? `, UI ${uiUrl}` : ''}`);
  return {
    address,
    uiUrl,
    namespace: 'default',
    embedded: true,
    pid: child.pid ?? null,
    onExit: (cb) => {
      void exited.then(({ code, signal }) => {
        if (!stopping) cb(code, signal);
      });
    },
    stop,
  };
}

/**
 * Path of an installed `temporal` CLI, or null: <repo>/.tools/bin, ~/.cache/herald/bin, PATH.
 * Waits for an install in progress (ours or someone's `go install`) before trusting the cache.
 */
export async function findTemporalCli(log) {
  log = normalizeLog(log);
  const local = path.join(repoRoot, '.tools', 'bin', 'temporal');
  if (isExecutable(local)) return local;
  if (goInstallRunning()) await waitForInstalls(log);
  return findTool('temporal');
}

/** `GOBIN=~/.cache/herald/bin go install <cli>@<pinned version>`, once, with progress logs. */
export async function installTemporalCli(log) {
  log = normalizeLog(log);
  if (!findGo()) {
    throw new Error(
      'The Temporal CLI was not found (looked in .tools/bin, ~/.cache/herald/bin and PATH) and Go is ' +
        'not installed to build it. Install the CLI (https://docs.temporal.io/cli) or set TEMPORAL_ADDRESS.',
    );
  }
  await fsp.mkdir(cacheBin, { recursive: true });
  const lockDir = path.join(cacheBin, '..', 'temporal-install.lock');
  const target = path.join(cacheBin, 'temporal');

  for (;;) {
    try {
      await fsp.mkdir(lockDir);
      await fsp.writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(await fsp.readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => '0'));
      if (owner > 0 && owner !== process.pid && pidAlive(owner)) {
        log(`Another process (pid ${owner}) is installing the Temporal CLI; waiting for it…`);
        await waitForInstalls(log, () => pidAlive(owner));
        if (isExecutable(target)) return target;
      }
      await fsp.rm(lockDir, { recursive: true, force: true }); // stale lock
    }
  }

  try {
    if (goInstallRunning()) await waitForInstalls(log);
    if (isExecutable(target)) return target;
    log('The Temporal CLI compiles the Temporal server: several minutes the first time…');
    return await goInstall({
      name: 'temporal',
      module: TEMPORAL_CLI_MODULE,
      version: TEMPORAL_CLI_VERSION,
      log,
      timeoutMs: INSTALL_TIMEOUT_MS,
      missingHint: 'Install the CLI (https://docs.temporal.io/cli) or set TEMPORAL_ADDRESS.',
    });
  } finally {
    await fsp.rm(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Is any `go install …temporalio/cli…` running on this machine (e.g. started in the background)? */
function goInstallRunning() {
  return goInstallOf(TEMPORAL_CLI_MODULE);
}

/** Wait (with progress logs) while a Temporal CLI install is running. */
async function waitForInstalls(log, stillRunning = goInstallRunning) {
  const started = Date.now();
  let lastLog = 0;
  while (stillRunning() || goInstallRunning()) {
    if (Date.now() - started > INSTALL_TIMEOUT_MS) {
      throw new Error('Timed out waiting for another Temporal CLI install to finish');
    }
    if (Date.now() - lastLog >= 30_000) {
      lastLog = Date.now();
      const mins = ((Date.now() - started) / 60_000).toFixed(1);
      log(`Waiting for a running \`go install\` of the Temporal CLI to finish (${mins} min)…`);
    }
    await sleep(2000);
  }
}

async function waitForNamespace(cli, address, namespace, isAlive) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('the dev server exited');
    const { code, output } = await capture(cli, [
      'operator',
      'namespace',
      'describe',
      '--namespace',
      namespace,
      '--address',
      address,
      '--disable-config-file',
      '--disable-config-env',
      '--command-timeout',
      '5s',
      '--output',
      'json',
    ]);
    if (code === 0) return;
    last = output.trim().split('\n').slice(-3).join(' ');
    await sleep(500);
  }
  throw new Error(
    `namespace "${namespace}" was not ready after ${START_TIMEOUT_MS / 1000} s: ${last}`,
  );
}

function capture(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => resolve({ code: -1, output: err.message }));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
