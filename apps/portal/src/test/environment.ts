import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import workerThreads from 'node:worker_threads';
import zlib from 'node:zlib';
import type { Environment } from 'vitest/environments';
import { builtinEnvironments } from 'vitest/environments';

/*
 * jsdom 31 (the installed version) targets Node 22: it extends the global `Iterator` (ES2025) and
 * its undici 8 uses zlib.createZstdDecompress and worker_threads.markAsUncloneable at load time.
 * Node 20 (this repository's engine) has none of them. Component tests never decompress HTTP
 * bodies nor post undici objects to workers, so stubs let jsdom load on Node 20. (A jsdom that supports Node 20 would be better:
 * see the portal's notes.)
 */
const z = zlib as unknown as Record<string, unknown>;
if (typeof z.createZstdDecompress !== 'function') {
  z.createZstdDecompress = () => {
    throw new Error('zstd is not available on this Node version');
  };
}

const w = workerThreads as unknown as Record<string, unknown>;
if (typeof w.markAsUncloneable !== 'function') w.markAsUncloneable = () => undefined;

const g = globalThis as unknown as Record<string, unknown>;
if (typeof g.Iterator !== 'function') {
  // The abstract base of ES iterators: jsdom's tree iterators only subclass it.
  const IteratorShim = function Iterator() {} as unknown as { prototype: object };
  IteratorShim.prototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  g.Iterator = IteratorShim;
  installIteratorHelpers(IteratorShim.prototype as Record<string, unknown>);
  // …but jsdom must not copy it into its window: a fresh V8 context on Node 20 has no Iterator.
  const require = createRequire(import.meta.url);
  const jsdomDir = dirname(require.resolve('jsdom'));
  delete (require(join(jsdomDir, 'generated', 'js-globals.json')) as Record<string, unknown>)
    .Iterator;
}

/** The ES2025 iterator helpers jsdom calls on its tree iterators (Node 22 has them built in). */
function installIteratorHelpers(proto: Record<string, unknown>): void {
  type It = Iterator<unknown>;
  function* map(this: It, fn: (v: unknown, i: number) => unknown) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) yield fn(r.value, i++);
  }
  function* filter(this: It, fn: (v: unknown, i: number) => unknown) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) if (fn(r.value, i++)) yield r.value;
  }
  const helpers: Record<string, unknown> = {
    map,
    filter,
    find(this: It, fn: (v: unknown, i: number) => unknown) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) if (fn(r.value, i++)) return r.value;
      return undefined;
    },
    some(this: It, fn: (v: unknown, i: number) => unknown) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) if (fn(r.value, i++)) return true;
      return false;
    },
    every(this: It, fn: (v: unknown, i: number) => unknown) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) if (!fn(r.value, i++)) return false;
      return true;
    },
    forEach(this: It, fn: (v: unknown, i: number) => unknown) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) fn(r.value, i++);
    },
    toArray(this: It) {
      const out: unknown[] = [];
      for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
      return out;
    },
  };
  for (const [name, fn] of Object.entries(helpers))
    if (!(name in proto))
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
}

const jsdom: Environment = { ...builtinEnvironments.jsdom, name: 'jsdom-node20' };
export default jsdom;
