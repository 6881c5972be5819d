// What the apps really read: every environment variable name that packages/config mentions (it is
// the only place that reads process.env), so deployment files can be checked against it.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../dev/util.mjs';

/** Read by Node itself, not by Herald's configuration. */
export const RUNTIME_ENV = new Set(['NODE_ENV', 'NODE_OPTIONS']);

/** Values that must never appear inline in a manifest or a ConfigMap. */
export const SECRET_ENV = new Set([
  'DATABASE_URL',
  'HERALD_ENCRYPTION_KEY',
  'HERALD_OPERATOR_TOKEN',
  'SMTP_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
]);

/** @returns {Set<string>} */
export function configEnvNames() {
  const dir = path.join(repoRoot, 'packages', 'config', 'src');
  const names = new Set(RUNTIME_ENV);
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    // The first argument of a reader call (r.int('PORT', …), readDuration(r, 'HERALD_…')) or env.X.
    for (const match of source.matchAll(/\(\s*(?:r,\s*)?'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]);
    for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(match[1]);
  }
  return names;
}
