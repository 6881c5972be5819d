// TCP port helpers for the local dev stack. Loopback only.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Ask the kernel for a free TCP port on `host` (default 127.0.0.1). The port is released before
 * returning, so there is a small race with other processes; callers that bind it soon after are fine.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * True when nothing listens on `port` at `host` (we can bind it).
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * One connection attempt; resolves true when something accepts on host:port.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Wait until host:port accepts TCP connections, polling every 100-500 ms.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @param {{ signal?: AbortSignal, isAlive?: () => boolean }} [options] `isAlive` lets callers stop
 *   waiting early when the process that should open the port has died.
 * @returns {Promise<void>}
 */
export async function waitForPort(host, port, timeoutMs = 30_000, options = {}) {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    if (await canConnect(host, port, Math.min(1000, Math.max(1, deadline - Date.now())))) return;
    if (options.signal?.aborted) throw new Error(`Stopped waiting for ${host}:${port}`);
    if (options.isAlive && !options.isAlive()) {
      throw new Error(
        `Gave up waiting for ${host}:${port}: the process that should open it exited`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${host}:${port} to accept connections`,
      );
    }
    await sleep(delay);
    delay = Math.min(500, delay * 2);
  }
}

/**
 * `preferred` when it is free, else a free port picked by the kernel.
 * @param {number} preferred
 * @param {string} [host]
 * @returns {Promise<{ port: number, preferredTaken: boolean }>}
 */
export async function preferPort(preferred, host = '127.0.0.1') {
  if (await isPortFree(preferred, host)) return { port: preferred, preferredTaken: false };
  return { port: await freePort(host), preferredTaken: true };
}
