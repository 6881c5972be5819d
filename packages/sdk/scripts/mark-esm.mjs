// dist/esm sits under a package without "type": "module"; this marker makes Node load it as ESM.
import { writeFileSync } from 'node:fs';

writeFileSync(
  new URL('../dist/esm/package.json', import.meta.url),
  `${JSON.stringify({ type: 'module', sideEffects: false }, null, 2)}\n`,
);
