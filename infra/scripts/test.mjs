#!/usr/bin/env node
// `npm test`: install if needed, provide PostgreSQL (and later Temporal, stripe-mock) to the test
// suites, run every workspace's `test` task serially, clean up, exit with turbo's exit code.
//
//   npm test                                  all suites
//   npm test -- --filter=@herald/db           one workspace (extra arguments go to `turbo run test`)
//   npm test -- --filter=@herald/api -- -t x  arguments after a second `--` reach vitest
import { prepareTestStack } from '../dev/test-stack.mjs';
import {
  createLog,
  ensureInstalled,
  installSignalHandlers,
  isShuttingDown,
  localBin,
  onShutdown,
  run,
  setSignalExitCode,
  shutdown,
  toolEnv,
} from '../dev/util.mjs';

const log = createLog('test');
setSignalExitCode('signal');
installSignalHandlers(log);

let code = 1;
try {
  await ensureInstalled(log);
  if (!isShuttingDown()) {
    const stack = await prepareTestStack({ log });
    onShutdown(() => stack.stop());
    if (!isShuttingDown()) {
      // Serial: the machine has 2 cores and suites start servers of their own.
      const args = ['run', 'test', '--concurrency=1', ...process.argv.slice(2)];
      log(`turbo ${args.join(' ')}`);
      code = await run(localBin('turbo'), args, { env: toolEnv(stack.env) });
      if (code !== 0) log.error(`tests failed (turbo exited with ${code})`);
    }
  }
} catch (err) {
  log.error(err?.message ?? err);
  code = 1;
}
if (!isShuttingDown()) await shutdown(code, log);
