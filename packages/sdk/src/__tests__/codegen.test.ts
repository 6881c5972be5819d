import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED_FILE, codegenConfig } from '../../codegen.js';

const committed = new URL(`../generated/${GENERATED_FILE}`, import.meta.url);
const outDir = mkdtempSync(join(tmpdir(), 'herald-sdk-codegen-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('generated operations', () => {
  it('match what codegen produces from schema.graphql and src/operations today', async () => {
    await generate(codegenConfig(outDir), true);
    const fresh = readFileSync(join(outDir, GENERATED_FILE), 'utf8');
    // On failure: run `npm run codegen -w @herald/sdk` and commit the result.
    expect(readFileSync(committed, 'utf8')).toBe(fresh);
  });

  it('are headed @generated', () => {
    expect(readFileSync(committed, 'utf8').split('\n', 1)[0]).toMatch(/^\/\/ @generated/);
  });
});
