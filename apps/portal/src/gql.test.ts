// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { outDir, renderGenerated } from '../codegen.mjs';

describe('src/gql (generated typed documents)', () => {
  it('matches what codegen produces from schema.graphql and the operations today', async () => {
    const fresh = (await renderGenerated()) as { path: string; content: string }[];
    const committed = readdirSync(outDir as string).sort();
    // On failure: run `npm run codegen -w @herald/portal` and commit src/gql.
    expect(committed).toEqual(fresh.map((f) => f.path));
    for (const file of fresh)
      expect(readFileSync(join(outDir as string, file.path), 'utf8'), file.path).toBe(file.content);
  }, 60_000);

  it('is headed @generated', () => {
    for (const name of readdirSync(outDir as string))
      expect(readFileSync(join(outDir as string, name), 'utf8')).toMatch(/^\/\* @generated/);
  });
});
