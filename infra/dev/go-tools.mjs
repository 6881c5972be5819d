// Development tools built from Go modules (the Temporal CLI, stripe-mock): where to find them and
// how to install them, pinned, into a cache outside the clone so fresh clones reuse them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './util.mjs';

export const toolCacheBin = path.join(os.homedir(), '.cache', 'herald', 'bin');

export function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findGo() {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin']) {
    if (dir && isExecutable(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return null;
}

/** `<repo>/.tools/bin/<name>`, then the cache, then PATH; null when none has it. */
export function findTool(name) {
  const candidates = [
    path.join(repoRoot, '.tools', 'bin', name),
    path.join(toolCacheBin, name),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, name)),
  ];
  return candidates.find(isExecutable) ?? null;
}

/**
 * `GOBIN=<cache> go install <module>@<version>`, logging progress every 30 s, bounded by
 * `timeoutMs`. Returns the installed binary's path.
 */
export async function goInstall({ name, module, version, log, timeoutMs, missingHint }) {
  const go = findGo();
  if (!go) {
    throw new Error(
      `${name} was not found (looked in .tools/bin, ~/.cache/herald/bin and PATH) and Go is not ` +
        `installed to build it. ${missingHint}`,
    );
  }
  await fsp.mkdir(toolCacheBin, { recursive: true });
  const target = path.join(toolCacheBin, name);
  const spec = `${module}@${version}`;
  log(`Installing ${name}: GOBIN=${toolCacheBin} go install ${spec}`);
  const started = Date.now();
  const child = spawn(go, ['install', '-v', spec], {
    env: { ...process.env, GOBIN: toolCacheBin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  let lines = 0;
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      lines++;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    });
  }
  const progress = setInterval(() => {
    const mins = ((Date.now() - started) / 60_000).toFixed(1);
    log(`…still installing ${name} (${mins} min, ${lines} packages so far)`);
  }, 30_000);
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? signal));
  }).finally(() => {
    clearInterval(progress);
    clearTimeout(timer);
  });
  if (code !== 0 || !isExecutable(target)) {
    throw new Error(`go install ${spec} failed (${code}):\n${tail.join('\n')}`);
  }
  log(`${name} installed at ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

// ---------------------------------------------------------------------------------------------
// helm, for linting and rendering the chart in infra/helm (tests, CI).

export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm';
export const HELM_VERSION = 'v3.22.0';

/**
 * Whether a `go install <module>@…` is running on this machine (a background job, another test
 * run): installing a second copy alongside it only doubles the compile time.
 * @param {string} module
 */
export function goInstallOf(module) {
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return (
        path.basename(argv[0] ?? '') === 'go' &&
        argv[1] === 'install' &&
        argv.some((arg) => arg.startsWith(`${module}@`))
      );
    } catch {
      return false;
    }
  });
}

/**
 * Path of the pinned helm: found like the other tools, or `go install`ed into the cache (a few
 * minutes, once per machine). Never downloads a prebuilt binary.
 * @param {{ log?: (msg: string) => void, timeoutMs?: number }} [options]
 */
export async function ensureHelm({ log = () => {}, timeoutMs = 20 * 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  if (goInstallOf(HELM_MODULE)) log('Waiting for a running `go install` of helm to finish…');
  while (goInstallOf(HELM_MODULE) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  const found = findTool('helm');
  if (found) return found;
  return goInstall({
    name: 'helm',
    module: HELM_MODULE,
    version: HELM_VERSION,
    log,
    timeoutMs: Math.max(deadline - Date.now(), 60_000),
    missingHint: 'Install helm 3 (https://helm.sh/docs/intro/install/) and put it on PATH.',
  });
}
