import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Pre-bundles workflow code at build time so the billing worker starts without webpack. */
async function main() {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const target = join(__dirname, '..', 'workflow-bundle.js');
  writeFileSync(target, code);
  process.stdout.write(`wrote ${target} (${(code.length / 1024).toFixed(0)} KiB)\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
