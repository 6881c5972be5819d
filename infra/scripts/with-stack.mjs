#!/usr/bin/env node
// Run a command inside the test environment: install if needed, build, provide a PostgreSQL admin
// URL (HERALD_TEST_ADMIN_DATABASE_URL) and the test services, run the command, clean up.
//
//   node infra/scripts/with-stack.mjs <command> [args…]      (npm run bench:api uses it)
import { prepareTestStack } from '../dev/test-stack.mjs';
import {
  build,
  createLog,
  ensureInstalled,
  installSignalHandlers,
  isShuttingDown,
  onShutdown,
  run,
  setSignalExitCode,
  shutdown,
  toolEnv,
} from '../dev/util.mjs';

const log = createLog('with-stack');
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node infra/scripts/with-stack.mjs <command> [args…]');
  process.exit(2);
}
setSignalExitCode('signal');
installSignalHandlers(log);

let code = 1;
try {
  await ensureInstalled(log);
  if (!isShuttingDown()) await build({ log });
  if (!isShuttingDown()) {
    const stack = await prepareTestStack({ log });
    onShutdown(() => stack.stop());
    if (!isShuttingDown()) {
      log(`running: ${[cmd, ...args].join(' ')}`);
      code = await run(cmd, args, { env: toolEnv(stack.env), cwd: process.cwd() });
    }
  }
} catch (err) {
  log.error(err?.message ?? err);
  code = 1;
}
if (!isShuttingDown()) await shutdown(code, log);
