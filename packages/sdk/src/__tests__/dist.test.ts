import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The published builds, loaded the way consumers load them (`npm run build` first; turbo's test
// task depends on build). Runs Node itself, so nothing of vitest's module handling helps.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
}

const probe = `
  const sdk = MODULE;
  const webhook = new sdk.Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  webhook.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}').then((sig) => {
    const herald = new sdk.Herald('hk_x');
    console.log(JSON.stringify({ sig, namespaces: Object.keys(herald).sort(),
      errors: new sdk.NotFoundError('x', { code: 'NOT_FOUND' }) instanceof sdk.HeraldError }));
  });`;
const expected = {
  sig: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  namespaces: [
    'apiKeys',
    'applications',
    'attempts',
    'deliveries',
    'endpoints',
    'eventTypes',
    'messages',
  ],
  errors: true,
};

describe('built package', () => {
  it('require() gets the CommonJS build', () => {
    const output = runNode(['-e', probe.replace('MODULE', "require('@herald/sdk')")]);
    expect(JSON.parse(output)).toEqual(expected);
  });

  it('import gets the ES module build', () => {
    const output = runNode([
      '--input-type=module',
      '-e',
      `import * as esm from '@herald/sdk'; ${probe.replace('MODULE', 'esm')}`,
    ]);
    expect(JSON.parse(output)).toEqual(expected);
  });

  it('has no Node-only import anywhere in either build', () => {
    const offenders: string[] = [];
    for (const flavour of ['cjs', 'esm']) {
      const dir = new URL(`../../dist/${flavour}/`, import.meta.url);
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.js')) continue;
        const code = readFileSync(new URL(file, dir), 'utf8');
        if (/(?:from\s+|require\(|import\()\s*['"](?:node:|crypto|http|buffer|fs)/.test(code))
          offenders.push(`${flavour}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
