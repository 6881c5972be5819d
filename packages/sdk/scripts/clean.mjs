// Stale files from a renamed module would otherwise linger in dist and be published.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
