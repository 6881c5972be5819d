import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { canConnect, freePort, isPortFree, preferPort, waitForPort } from './ports.mjs';

describe('ports', () => {
  it('finds a free port and sees it taken while something listens', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(true);
    const server = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect(await isPortFree(port)).toBe(false);
      expect(await canConnect('127.0.0.1', port)).toBe(true);
      const other = await preferPort(port);
      expect(other.preferredTaken).toBe(true);
      expect(other.port).not.toBe(port);
    } finally {
      server.close();
    }
  });

  it('waits for a port that opens later, and times out on one that never does', async () => {
    const port = await freePort();
    const server = net.createServer();
    setTimeout(() => server.listen(port, '127.0.0.1'), 300);
    try {
      await waitForPort('127.0.0.1', port, 5000);
    } finally {
      server.close();
    }
    const closed = await freePort();
    await expect(waitForPort('127.0.0.1', closed, 300)).rejects.toThrow(/Timed out/);
    await expect(waitForPort('127.0.0.1', closed, 5000, { isAlive: () => false })).rejects.toThrow(
      /exited/,
    );
  });
});
