import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHeraldSchema, renderSchema } from '../graphql/schema';

async function main() {
  const target = join(__dirname, '..', '..', 'schema.graphql');
  writeFileSync(target, renderSchema(await buildHeraldSchema()));
  process.stdout.write(`wrote ${target}\n`);
}

void main();
