import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * The product as it runs in production: `node apps/api/dist/main.js` and
 * `node apps/worker/dist/main.js` as child processes, configured by env only. Every process is
 * addressed by the pid we spawned — never by name — and its output is kept (last lines) so a
 * failing test can show what the process said.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const API_ENTRY = resolve(REPO_ROOT, 'apps/api/dist/main.js');
export const WORKER_ENTRY = resolve(REPO_ROOT, 'apps/worker/dist/main.js');

const MAX_OUTPUT_LINES = 400;
const live = new Set<ManagedProcess>();

// Never leave a product process behind if the test runner itself goes away.
process.once('exit', () => {
  for (const p of live) p.signal('SIGKILL');
});

/** Env of the parent minus anything that would configure the product behind the test's back. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(HERALD_|TEMPORAL_|DATABASE_URL$|PORT$|HOST$|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One child process we started: its pid, its recent output, and ways to end it. */
export class ManagedProcess {
  readonly pid: number;
  readonly output: string[] = [];
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | null = null;
  private lineWaiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.pid = child.pid;
    live.add(this);
    this.exited = new Promise((res) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this.push(`[${name} pid ${this.pid} exited: code=${code} signal=${signal}]`);
        res(this.exit);
      }),
    );
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.push(line);
      });
    }
  }

  get alive(): boolean {
    return this.exit === null;
  }

  private push(line: string): void {
    if (!line) return;
    this.output.push(line);
    if (this.output.length > MAX_OUTPUT_LINES) this.output.shift();
    this.lineWaiters = this.lineWaiters.filter((w) => {
      if (!w.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Resolves with the first output line (from now on, or already seen) that matches. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.output.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () =>
          rej(
            new Error(
              `${this.name}: no matching output line within ${timeoutMs} ms\n${this.tail()}`,
            ),
          ),
        timeoutMs,
      );
      const waiter = { test, resolve: (line: string) => (clearTimeout(timer), res(line)) };
      this.lineWaiters.push(waiter);
      void this.exited.then(() => {
        clearTimeout(timer);
        rej(new Error(`${this.name} exited before it was ready\n${this.tail()}`));
      });
    });
  }

  /** Sends a signal to this pid only; false when it had already exited. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.alive) return false;
    try {
      process.kill(this.pid, sig);
      return true;
    } catch {
      return false;
    }
  }

  /** kill -9 and wait until the process is gone. */
  async kill9(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** SIGTERM; SIGKILL if still running after `graceMs`. */
  async terminate(graceMs = 15_000): Promise<ExitInfo> {
    if (!this.signal('SIGTERM')) return this.exited;
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  tail(lines = 60): string {
    return `--- ${this.name} (pid ${this.pid}) last ${Math.min(lines, this.output.length)} lines ---\n${this.output.slice(-lines).join('\n')}`;
  }
}

/** Starts `command args` with the given env added to a cleaned copy of ours. */
export function spawnProcess(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ManagedProcess(name, child);
}

/** Every process still running that this module started (for teardown and diagnostics). */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

/** Stops every process this module started and that is still running (SIGKILL, by pid). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill9()));
}

// ---------------------------------------------------------------------------------------------
// API and worker

export interface ApiProcess extends ManagedProcess {
  url: string;
  port: number;
}

/**
 * `node apps/api/dist/main.js` on 127.0.0.1:`port` (a free one unless given); resolves once
 * GET /readyz answers 200.
 */
export async function startApi(
  env: Record<string, string>,
  options: { port?: number; name?: string; timeoutMs?: number } = {},
): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const proc = spawnProcess(
    options.name ?? 'api',
    process.execPath,
    ['--enable-source-maps', API_ENTRY],
    {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
  ) as ApiProcess;
  proc.port = port;
  proc.url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(proc, options.timeoutMs ?? 60_000);
  } catch (error) {
    await proc.kill9();
    throw error;
  }
  return proc;
}

async function waitForReady(proc: ApiProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!proc.alive)
      throw new Error(
        `${proc.name} exited before /readyz answered (${JSON.stringify(proc.exit)})\n${proc.tail()}`,
      );
    try {
      const res = await fetch(`${proc.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `${proc.name}: /readyz not ready within ${timeoutMs} ms (${last})\n${proc.tail()}`,
  );
}

/** `node apps/worker/dist/main.js`; resolves once it logs "worker started". */
export async function startWorker(
  env: Record<string, string>,
  options: { name?: string; timeoutMs?: number } = {},
): Promise<ManagedProcess> {
  // "worker started" is an info line: the level must let it through.
  const proc = spawnProcess(
    options.name ?? 'worker',
    process.execPath,
    ['--enable-source-maps', WORKER_ENTRY],
    {
      ...env,
      HERALD_LOG_LEVEL: 'info',
    },
  );
  try {
    await proc.waitForLine(
      (line) => line.includes('"worker started"'),
      options.timeoutMs ?? 60_000,
    );
  } catch (error) {
    await proc.kill9();
    throw error;
  }
  return proc;
}

// ---------------------------------------------------------------------------------------------
// Temporal dev server on a port of our choosing (ensureTemporal always picks new ports)

export interface TemporalProcess extends ManagedProcess {
  address: string;
}

/**
 * `temporal server start-dev --db-filename <file> --port <port> --headless`, ready once the
 * frontend accepts connections and the default namespace answers.
 */
export async function startTemporalDev(options: {
  cli: string;
  dbFile: string;
  port: number;
  timeoutMs?: number;
  name?: string;
}): Promise<TemporalProcess> {
  const [httpPort, metricsPort] = [await freePort(), await freePort()];
  const proc = spawnProcess(
    options.name ?? 'temporal',
    options.cli,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--headless',
      '--log-level',
      'warn',
      '--db-filename',
      options.dbFile,
      '--dynamic-config-value',
      'frontend.enableServerVersionCheck=false',
    ],
    { TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  ) as TemporalProcess;
  proc.address = `127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    while (!(await portOpen(options.port))) {
      if (!proc.alive)
        throw new Error(`temporal exited: ${JSON.stringify(proc.exit)}\n${proc.tail()}`);
      if (Date.now() > deadline)
        throw new Error(`temporal: port ${options.port} not open in time\n${proc.tail()}`);
      await sleep(200);
    }
    for (;;) {
      const { code, output } = await run(options.cli, [
        'operator',
        'namespace',
        'describe',
        '--namespace',
        'default',
        '--address',
        proc.address,
        '--disable-config-file',
        '--disable-config-env',
        '--command-timeout',
        '5s',
        '--output',
        'json',
      ]);
      if (code === 0) break;
      if (!proc.alive)
        throw new Error(`temporal exited: ${JSON.stringify(proc.exit)}\n${proc.tail()}`);
      if (Date.now() > deadline)
        throw new Error(
          `temporal: namespace not ready in time: ${output.slice(-300)}\n${proc.tail()}`,
        );
      await sleep(500);
    }
  } catch (error) {
    await proc.terminate(5_000);
    throw error;
  }
  return proc;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => res({ code: -1, output: err.message }));
    child.once('exit', (code) => res({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// Ports

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.once('error', rej);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), res(true)));
    socket.once('timeout', () => (socket.destroy(), res(false)));
    socket.once('error', () => res(false));
  });
}

/** Waits until nothing listens on `port` any more (a stopped server released it). */
export async function waitPortClosed(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await portOpen(port)) {
    if (Date.now() > deadline) throw new Error(`port ${port} still open after ${timeoutMs} ms`);
    await sleep(100);
  }
}
