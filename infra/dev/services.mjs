// Child-process supervision for `npm start`: start services in order, prefix their output, wait
// for readiness, notice unexpected exits, stop them by pid (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { color, httpRequest, normalizeLog, repoRoot } from './util.mjs';

/**
 * @typedef {object} ServiceSpec
 * @property {string} name
 * @property {string} cmd
 * @property {string[]} [args]
 * @property {Record<string, string>} [env]     added to the parent's environment
 * @property {string} [cwd]                     default: repo root
 * @property {string} [entry]                   file that must exist (e.g. a built dist/main.js)
 * @property {string} [entryHint]               what to tell the user when `entry` is missing
 * @property {string} [readyUrl]                polled until it answers 2xx
 * @property {number} [readyTimeoutMs]          default 120 s
 * @property {number} [stopTimeoutMs]           SIGTERM grace period before SIGKILL (default 10 s)
 */

const COLORS = [36, 35, 33, 32, 34, 96];

export class ServiceManager {
  /**
   * @param {{ log?: any, onUnexpectedExit?: (name: string, code: number | null, signal: string | null) => void }} options
   */
  constructor({ log, onUnexpectedExit } = {}) {
    this.log = normalizeLog(log);
    this.onUnexpectedExit = onUnexpectedExit ?? (() => {});
    /** @type {{ spec: ServiceSpec, child: import('node:child_process').ChildProcess, exited: Promise<void>, stopping: boolean }[]} */
    this.running = [];
    this.stopping = false;
    this.exitListener = () => this.killAllSync();
    process.on('exit', this.exitListener);
  }

  /**
   * Start one service and wait until it is ready (readyUrl answers 2xx, else as soon as spawned).
   * @param {ServiceSpec} spec
   */
  async start(spec) {
    if (this.stopping) throw new Error('shutting down');
    const cwd = spec.cwd ?? repoRoot;
    if (spec.entry && !fs.existsSync(path.resolve(cwd, spec.entry))) {
      throw new Error(
        `${spec.name}: ${spec.entry} does not exist. ${spec.entryHint ?? 'Build it first (npx turbo run build).'}`,
      );
    }
    const prefix = color(COLORS[this.running.length % COLORS.length], `[${spec.name}]`);
    // detached: the child gets its own process group, so a terminal Ctrl-C reaches only us and we
    // stop children in order (their own children, if any, go with them: we signal the group).
    const child = spawn(spec.cmd, spec.args ?? [], {
      cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const entry = { spec, child, stopping: false, exited: null };
    entry.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (!entry.stopping && !this.stopping) {
          this.log.error(
            `${spec.name} (pid ${child.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`,
          );
          this.onUnexpectedExit(spec.name, code, signal);
        }
        resolve();
      });
    });
    const spawnError = new Promise((_resolve, reject) => child.once('error', reject));
    spawnError.catch(() => {});
    for (const stream of [child.stdout, child.stderr]) {
      readline
        .createInterface({ input: stream, crlfDelay: Infinity })
        .on('line', (line) =>
          (stream === child.stderr ? console.error : console.log)(prefix, line),
        );
    }
    this.running.push(entry);
    await Promise.race([sleep(50), spawnError]).catch((err) => {
      throw new Error(`${spec.name}: could not start ${spec.cmd}: ${err.message}`);
    });
    this.log(`${spec.name} started (pid ${child.pid})`);
    if (spec.readyUrl) {
      await this.waitReady(entry);
      this.log(`${spec.name} is ready (${spec.readyUrl})`);
    }
    return child;
  }

  async waitReady({ spec, child }) {
    const timeoutMs = spec.readyTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${spec.name} exited before it became ready (see its output above)`);
      }
      if (this.stopping) throw new Error('shutting down');
      try {
        const res = await httpRequest(spec.readyUrl, { timeoutMs: 2000 });
        if (res.status >= 200 && res.status < 300) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = err?.code ?? err?.message ?? String(err);
      }
      await sleep(250);
    }
    throw new Error(
      `${spec.name} was not ready after ${timeoutMs / 1000} s (${spec.readyUrl}: ${last})`,
    );
  }

  /** Stop every service, last started first: SIGTERM to its process group, SIGKILL after the grace period. */
  async stopAll() {
    this.stopping = true;
    for (const entry of [...this.running].reverse()) await this.stopOne(entry);
    this.running = [];
    process.removeListener('exit', this.exitListener);
  }

  async stopOne(entry) {
    const { spec, child } = entry;
    entry.stopping = true;
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const grace = spec.stopTimeoutMs ?? 10_000;
    this.log(`stopping ${spec.name} (pid ${child.pid})…`);
    signalGroup(child, 'SIGTERM');
    const inTime = await Promise.race([
      entry.exited.then(() => true),
      sleep(grace, false, { ref: false }),
    ]);
    if (!inTime) {
      this.log.warn(
        `${spec.name} (pid ${child.pid}) ignored SIGTERM for ${grace / 1000} s; sending SIGKILL`,
      );
      signalGroup(child, 'SIGKILL');
      await entry.exited;
    }
  }

  /** Last resort on process exit: SIGKILL whatever is still running (synchronous). */
  killAllSync() {
    for (const { child } of this.running) {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
    }
  }
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal); // the group we created with detached: true
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
