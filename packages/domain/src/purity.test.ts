import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The worker's workflows import this package inside Temporal's deterministic sandbox, so its
// runtime code must stay free of I/O and of non-determinism at import time.
const sourceFiles = readdirSync(__dirname)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => ({ name, text: readFileSync(join(__dirname, name), 'utf8') }));

describe('@herald/domain purity', () => {
  it('has source files to check', () => {
    expect(sourceFiles.length).toBeGreaterThan(5);
  });

  it.each(sourceFiles.map((file) => [file.name, file.text]))(
    '%s imports only sibling modules',
    (_, text) => {
      const specifiers = [
        ...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g),
      ].map((m) => m[1]);
      for (const specifier of specifiers) expect(specifier).toMatch(/^\.\//);
    },
  );

  it.each(sourceFiles.map((file) => [file.name, file.text]))(
    '%s touches no process, timers or Math.random',
    (_, text) => {
      expect(text).not.toMatch(/\bprocess\.|\bsetTimeout\(|\bsetInterval\(|Math\.random\(/);
    },
  );
});
