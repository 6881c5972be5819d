#!/usr/bin/env node
// `npm start`: the whole Herald stack on embedded defaults, from a fresh clone.
//
//   npm start                      install if needed, build, start everything
//   npm start -- --skip-build      (or HERALD_SKIP_BUILD=1) reuse the existing dist/ folders
//   npm start -- --skip-install    (or HERALD_SKIP_INSTALL=1)
//   npm run dev                    the same with the API and worker in watch mode (turbo watch
//                                  rebuilds dist/, node --watch restarts them) and the web app on
//                                  Vite's hot-reloading server
//
// Environment respected: DATABASE_URL (skip embedded PostgreSQL), PORT (API, default 4000), HOST,
// HERALD_OPERATOR_TOKEN / HERALD_ENCRYPTION_KEY (else generated once into .data/dev-secrets.json),
// SMTP_URL (else an embedded SMTP sink writes every mail into .data/mail as .eml files).
// Only Node built-ins are imported statically: node_modules may not exist yet.
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ensurePostgres } from '../dev/postgres.mjs';
import { ensureTemporal } from '../dev/temporal.mjs';
import { WORKER_NODE_FLAGS } from '../dev/node-flags.mjs';
import { freePort, isPortFree } from '../dev/ports.mjs';
import { ServiceManager } from '../dev/services.mjs';
import {
  build,
  color,
  createLog,
  ensureInstalled,
  httpRequest,
  installSignalHandlers,
  isShuttingDown,
  onShutdown,
  randomToken,
  readJsonFile,
  redactUrl,
  repoRoot,
  shutdown,
  writeSecretJsonFile,
} from '../dev/util.mjs';

const log = createLog('herald');
const args = new Set(process.argv.slice(2));
if (args.has('--skip-build')) process.env.HERALD_SKIP_BUILD = '1';
if (args.has('--skip-install')) process.env.HERALD_SKIP_INSTALL = '1';
const devMode = args.has('--dev');
/** node --watch restarts the process when a module it loaded (dist/ of the app or a package) changes. */
const watchArgs = devMode ? ['--watch'] : [];

const dataDir = path.join(repoRoot, '.data');
const secretsFile = path.join(dataDir, 'dev-secrets.json');
const credentialsFile = path.join(dataDir, 'dev-credentials.json');

const DEV_SSRF_ALLOWLIST = '127.0.0.0/8,::1/128,localhost';
const DEV_OWNER_EMAIL = 'dev@herald.local';

installSignalHandlers(log);

try {
  await main();
} catch (err) {
  if (!isShuttingDown()) {
    log.error(err?.message ?? err);
    if (process.env.HERALD_DEBUG && err?.stack) console.error(err.stack);
    await shutdown(1, log);
  }
}

async function main() {
  await ensureInstalled(log);
  if (isShuttingDown()) return;
  await build({ log, filters: ['./apps/*', './packages/*'] });
  if (isShuttingDown()) return;

  await fsp.mkdir(dataDir, { recursive: true });
  const secrets = await loadOrCreateSecrets();

  // --- PostgreSQL ------------------------------------------------------------------------------
  const postgres = await ensurePostgres({ log: createLog('postgres') });
  onShutdown(() => postgres.stop());
  postgres.onExit((code, signal) => {
    // A terminal Ctrl-C reaches PostgreSQL directly too; give our own SIGINT handler a moment.
    setTimeout(() => {
      if (isShuttingDown()) return;
      log.error(
        `PostgreSQL (pid ${postgres.pid}) exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`,
      );
      void shutdown(1, log);
    }, 300);
  });
  if (isShuttingDown()) return;

  // --- Temporal ----------------------------------------------------------------------------------
  // TEMPORAL_ADDRESS when set; else a dev server whose state persists in .data/temporal.db.
  const temporal = await ensureTemporal({
    dbFile: path.join(dataDir, 'temporal.db'),
    log: createLog('temporal'),
  });
  onShutdown(() => temporal.stop());
  temporal.onExit((code, signal) => {
    setTimeout(() => {
      if (isShuttingDown()) return;
      log.error(
        `Temporal (pid ${temporal.pid}) exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`,
      );
      void shutdown(1, log);
    }, 300);
  });
  if (isShuttingDown()) return;

  // --- Mail ---------------------------------------------------------------------------------------
  // SMTP_URL when set; else a sink on loopback that keeps every mail as a file (nothing is sent).
  const mail = await ensureMail();
  if (isShuttingDown()) return;

  // --- Application processes ------------------------------------------------------------------
  const apiPort = await chooseApiPort();
  const publicUrl = `http://localhost:${apiPort}`;
  const apiBase = `http://127.0.0.1:${apiPort}`;
  const billingPort = process.env.HERALD_BILLING_PORT
    ? Number(process.env.HERALD_BILLING_PORT)
    : await freePort();
  const commonEnv = {
    DATABASE_URL: postgres.url,
    HERALD_ENV: 'development',
    HERALD_OPERATOR_TOKEN: secrets.operatorToken,
    HERALD_ENCRYPTION_KEY: secrets.encryptionKey,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
  };

  /** @type {import('../dev/services.mjs').ServiceSpec[]} */
  const services = [
    {
      name: 'api',
      cmd: process.execPath,
      args: [...watchArgs, '--enable-source-maps', 'apps/api/dist/main.js'],
      entry: 'apps/api/dist/main.js',
      entryHint:
        'The API has not been built: check the build output above (npx turbo run build --filter=@herald/api).',
      env: {
        ...commonEnv,
        PORT: String(apiPort),
        HOST: process.env.HOST ?? '127.0.0.1',
        HERALD_PUBLIC_URL: process.env.HERALD_PUBLIC_URL ?? publicUrl,
        HERALD_ALLOW_HTTP: process.env.HERALD_ALLOW_HTTP ?? 'true',
        HERALD_SSRF_ALLOWLIST: process.env.HERALD_SSRF_ALLOWLIST ?? DEV_SSRF_ALLOWLIST,
        SMTP_URL: mail.url,
      },
      readyUrl: `${apiBase}/readyz`,
      readyTimeoutMs: 180_000, // first start runs the migrations
    },
    {
      name: 'worker',
      cmd: process.execPath,
      // A bounded heap: V8 otherwise grows it lazily to ~400 MB under delivery load; 256 MB of old
      // space holds a full batch of maximum-size payloads with room to spare.
      args: [
        ...watchArgs,
        '--enable-source-maps',
        ...WORKER_NODE_FLAGS,
        'apps/worker/dist/main.js',
      ],
      entry: 'apps/worker/dist/main.js',
      entryHint: 'The worker has not been built (npx turbo run build --filter=@herald/worker).',
      env: {
        ...commonEnv,
        HERALD_ALLOW_HTTP: process.env.HERALD_ALLOW_HTTP ?? 'true',
        HERALD_SSRF_ALLOWLIST: process.env.HERALD_SSRF_ALLOWLIST ?? DEV_SSRF_ALLOWLIST,
      },
    },
    {
      // Stripe webhooks and the usage-reporting schedule. Without STRIPE_SECRET_KEY it runs in
      // "not configured" mode: metering and quotas work, nothing is sent to Stripe.
      name: 'billing',
      cmd: process.execPath,
      args: ['--enable-source-maps', 'apps/billing/dist/main.js'],
      entry: 'apps/billing/dist/main.js',
      entryHint: 'Billing has not been built (npx turbo run build --filter=@herald/billing).',
      env: { ...commonEnv, HERALD_BILLING_PORT: String(billingPort) },
      readyUrl: `http://127.0.0.1:${billingPort}/healthz`,
    },
  ];

  const manager = new ServiceManager({
    log,
    onUnexpectedExit: (name) => {
      if (!isShuttingDown()) {
        log.error(`${name} died; stopping everything`);
        void shutdown(1, log);
      }
    },
  });
  onShutdown(() => manager.stopAll());

  const allowlist = services[0].env.HERALD_SSRF_ALLOWLIST;
  log(
    `Development mode: endpoints may use plain http and point at local receivers ` +
      `(HERALD_ALLOW_HTTP=true, HERALD_SSRF_ALLOWLIST=${allowlist}). Never use this in production.`,
  );

  if (devMode) services.push(...devServices(apiBase));
  for (const spec of services) {
    if (isShuttingDown()) return;
    await manager.start(spec);
  }
  if (isShuttingDown()) return;

  const credentials = await provisionDevTenant({
    apiBase,
    operatorToken: secrets.operatorToken,
    databaseUrl: postgres.url,
  });
  if (isShuttingDown()) return;

  printBanner({ publicUrl, billingPort, postgres, secrets, credentials, mail });
}

/**
 * `npm run dev`: turbo rebuilds the apps and packages on every change (the processes restart on
 * their own, see watchArgs) and Vite serves the web app with hot reload, proxying /graphql to the
 * API.
 * @returns {import('../dev/services.mjs').ServiceSpec[]}
 */
function devServices(apiBase) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return [
    {
      name: 'build',
      cmd: npm,
      args: [
        'exec',
        '--',
        'turbo',
        'watch',
        'build',
        '--filter=./apps/*',
        '--filter=./packages/*',
        '--output-logs=errors-only',
      ],
    },
    {
      name: 'web',
      cmd: npm,
      args: ['run', 'dev', '--workspace', '@herald/portal', '--', '--port', '5173', '--strictPort'],
      env: { HERALD_API_URL: apiBase },
      readyUrl: 'http://localhost:5173/',
    },
  ];
}

/** @returns {Promise<{ url: string, where: string }>} */
async function ensureMail() {
  if (process.env.SMTP_URL)
    return { url: process.env.SMTP_URL, where: redactUrl(process.env.SMTP_URL) };
  // Imported here: smtp-server is a dependency, installed by ensureInstalled above.
  const { startMailSink } = await import('../dev/mail-sink.mjs');
  const dir = path.join(dataDir, 'mail');
  const sink = await startMailSink({ dir, log: createLog('mail') });
  onShutdown(() => sink.stop());
  return { url: sink.url, where: `${path.relative(repoRoot, dir)}/*.eml (SMTP sink ${sink.url})` };
}

async function loadOrCreateSecrets() {
  const saved = (await readJsonFile(secretsFile)) ?? {};
  let changed = false;
  if (typeof saved.operatorToken !== 'string' || saved.operatorToken.length < 16) {
    saved.operatorToken = randomToken(32, 'hop_');
    changed = true;
  }
  if (
    typeof saved.encryptionKey !== 'string' ||
    Buffer.from(saved.encryptionKey, 'base64').length !== 32
  ) {
    saved.encryptionKey = randomBytes(32).toString('base64');
    changed = true;
  }
  if (changed) {
    await writeSecretJsonFile(secretsFile, saved);
    log(`Generated development secrets in ${path.relative(repoRoot, secretsFile)}`);
  }
  return {
    operatorToken: process.env.HERALD_OPERATOR_TOKEN || saved.operatorToken,
    encryptionKey: process.env.HERALD_ENCRYPTION_KEY || saved.encryptionKey,
  };
}

async function chooseApiPort() {
  if (process.env.PORT) {
    const port = Number(process.env.PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`PORT must be a TCP port number, got "${process.env.PORT}"`);
    }
    if (!(await isPortFree(port))) {
      throw new Error(`PORT=${port} is already in use; choose another (PORT=4100 npm start)`);
    }
    return port;
  }
  if (await isPortFree(4000)) return 4000;
  const port = await freePort();
  log.warn(`port 4000 is in use; the API will listen on ${port} instead (set PORT to choose)`);
  return port;
}

/** Identifies the database the credentials belong to, so a reset database gets a new tenant. */
async function databaseIdentity(databaseUrl) {
  try {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('error', () => {});
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT system_identifier::text AS id, current_database() AS db FROM pg_control_system()',
      );
      return `${rows[0].id}/${rows[0].db}`;
    } finally {
      await client.end().catch(() => {});
    }
  } catch {
    return null;
  }
}

/**
 * Create the "Development" tenant once and keep its credentials in .data/dev-credentials.json.
 * Never fatal: the stack is useful without it, so failures are reported with a way forward.
 */
async function provisionDevTenant({ apiBase, operatorToken, databaseUrl }) {
  const identity = await databaseIdentity(databaseUrl);
  const saved = await readJsonFile(credentialsFile).catch(() => null);
  if (saved?.apiKey && (!saved.database || !identity || saved.database === identity)) return saved;
  if (saved?.apiKey) {
    log(
      `${path.relative(repoRoot, credentialsFile)} belongs to another database; provisioning a new development tenant`,
    );
  }

  const ownerPassword = randomToken(18);
  const query = `mutation {
  createTenant(input: { name: "Development", plan: pro, ownerEmail: ${JSON.stringify(DEV_OWNER_EMAIL)}, ownerPassword: ${JSON.stringify(ownerPassword)} }) {
    tenant { id name }
    apiKey
  }
}`;
  log('Provisioning the development tenant…');
  let lastError = 'unknown error';
  for (let attempt = 1; attempt <= 5 && !isShuttingDown(); attempt++) {
    let res;
    let body;
    try {
      res = await httpRequest(`${apiBase}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${operatorToken}`,
          // Apollo's CSRF prevention accepts JSON posts; this header makes intent explicit.
          'apollo-require-preflight': 'true',
        },
        body: JSON.stringify({ query }),
        timeoutMs: 15_000,
      });
      try {
        body = JSON.parse(res.text);
      } catch {
        body = null;
        lastError = `HTTP ${res.status}, not JSON: ${res.text.slice(0, 200)}`;
      }
    } catch (err) {
      lastError = err?.code ?? err?.message ?? String(err);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      continue;
    }

    const payload = body?.data?.createTenant;
    if (payload?.apiKey && payload?.tenant?.id) {
      const credentials = {
        tenantId: payload.tenant.id,
        tenantName: payload.tenant.name,
        apiKey: payload.apiKey,
        ownerEmail: DEV_OWNER_EMAIL,
        ownerPassword,
        database: identity,
        createdAt: new Date().toISOString(),
      };
      await writeSecretJsonFile(credentialsFile, credentials);
      log(
        `Development tenant ${credentials.tenantId} created; credentials saved in ${path.relative(repoRoot, credentialsFile)}`,
      );
      return credentials;
    }
    if (Array.isArray(body?.errors) && body.errors.length > 0) {
      lastError = body.errors.map((e) => e.message).join('; ');
      break; // a GraphQL error will not go away by retrying
    }
    if (body) lastError = `HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`;
    if (res.status < 500 && res.status !== 429) break;
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }

  log.warn(`Could not provision the development tenant: ${lastError}`);
  if (/exist|duplicate|taken|unique/i.test(lastError)) {
    log.warn(
      `The database already has a development tenant but ${path.relative(repoRoot, credentialsFile)} is gone. ` +
        `To start over: stop Herald, delete .data/postgres and .data/dev-credentials.json, run npm start.`,
    );
  } else {
    log.warn(
      'The API is running; create a tenant with the createTenant mutation and the operator token below.',
    );
  }
  return null;
}

function printBanner({ publicUrl, billingPort, postgres, secrets, credentials, mail }) {
  const b = (text) => color(1, text);
  const lines = [
    '',
    b('Herald is running (development)'),
    '',
    `  GraphQL API     ${b(`${publicUrl}/graphql`)}`,
    `  Portal          ${publicUrl}/`,
    `  Health          ${publicUrl}/readyz`,
    `  Stripe webhooks http://127.0.0.1:${billingPort}/stripe/webhook`,
    `  Database        ${redactUrl(postgres.url)}${postgres.embedded ? ' (embedded)' : ''}`,
    `  Mail            ${mail.where}`,
    '',
    `  Operator token  ${secrets.operatorToken}`,
  ];
  if (credentials) {
    lines.push(
      `  Dev API key     ${credentials.apiKey}   (tenant ${credentials.tenantId})`,
      `  Dev login       ${credentials.ownerEmail} / ${credentials.ownerPassword}`,
    );
  } else {
    lines.push('  Dev tenant      not provisioned (see the warning above)');
  }
  if (devMode)
    lines.push(
      '',
      `  Web app (hot)   ${b('http://localhost:5173/')}   API and worker restart when you save`,
    );
  lines.push(
    '',
    `  Secrets are kept in ${path.relative(repoRoot, secretsFile)} and ${path.relative(repoRoot, credentialsFile)}.`,
    `  Try: curl -s ${publicUrl}/graphql -H 'authorization: Bearer <Dev API key>' \\`,
    `         -H 'content-type: application/json' -d '{"query":"{ __typename }"}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  );
  console.log(lines.join('\n'));
}
