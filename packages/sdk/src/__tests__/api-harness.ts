import { createRequire } from 'node:module';
import type { Database } from '@herald/db';
import type { TestDatabase } from '@herald/db/testing';
import type { HeraldServer } from '@herald/api';

/*
 * The real API, in-process, as apps/api's own harness starts it: the built CommonJS output loaded
 * with require(), since loading it through vitest's ESM pipeline would mix graphql's ESM and CJS
 * copies. Each call gets a fresh database of its own.
 */
const load = createRequire(import.meta.url);
const { loadApiConfig } = load('@herald/config') as typeof import('@herald/config');
const { openDatabase } = load('@herald/db') as typeof import('@herald/db');
const { createTestDatabase } = load('@herald/db/testing') as typeof import('@herald/db/testing');
const { createServer } = load('@herald/api') as typeof import('@herald/api');

const OPERATOR_TOKEN = 'sdk-test-operator-token-0123456789';

export interface RunningApi {
  baseUrl: string;
  db: Database;
  /** A new tenant and its admin API key, made with the operator token (not part of the SDK). */
  createTenant(name: string): Promise<{ tenantId: string; apiKey: string }>;
  stop(): Promise<void>;
}

function adminDatabaseUrl(): string {
  return (
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export async function startApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const testDb: TestDatabase = await createTestDatabase(adminDatabaseUrl(), 'sdk');
  const config = loadApiConfig({
    DATABASE_URL: testDb.url,
    PORT: '0',
    HOST: '127.0.0.1',
    HERALD_ENV: 'test',
    HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
    HERALD_ALLOW_HTTP: 'true',
    HERALD_SSRF_ALLOWLIST: '127.0.0.0/8,::1/128',
    HERALD_LOG_LEVEL: 'error',
    HERALD_DB_POOL_SIZE: '5',
    ...env,
  });
  const db = await openDatabase(config.database);
  const server: HeraldServer = await createServer({ config, db });
  const baseUrl = await server.listen();

  return {
    baseUrl,
    db,
    async createTenant(name) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
        body: JSON.stringify({
          query: `mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id } apiKey } }`,
          variables: { name },
        }),
      });
      const body = (await response.json()) as {
        data?: { createTenant: { tenant: { id: string }; apiKey: string } };
        errors?: unknown;
      };
      if (!body.data) throw new Error(`createTenant failed: ${JSON.stringify(body.errors)}`);
      return { tenantId: body.data.createTenant.tenant.id, apiKey: body.data.createTenant.apiKey };
    },
    async stop() {
      await server.stop();
      await db.close();
      await testDb.drop();
    },
  };
}
