import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Loaded through require() like the server, so type-graphql and graphql share one copy.
const load = createRequire(__filename);
const { buildHeraldSchema, renderSchema } = load(
  '../../dist/graphql/schema.js',
) as typeof import('./schema');

describe('schema.graphql', () => {
  it('is committed and matches the resolvers (run `npm run schema` after changing them)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(renderSchema(await buildHeraldSchema()));
  });
});
