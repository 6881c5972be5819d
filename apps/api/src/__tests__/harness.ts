import { createRequire } from 'node:module';
import type { ApiConfig } from '@herald/config';
import type { Database } from '@herald/db';
import type { TestDatabase } from '@herald/db/testing';
import type { HeraldServer } from '../server';
import type { ResolveHost } from '../modules/endpoint/url-guard';
import type { MailSink, SinkMail } from '../../../../infra/dev/mail-sink.mjs' with {
  'resolution-mode': 'import',
};

/*
 * The server under test is the built CommonJS output, loaded with require() exactly as
 * `npm start` runs it. Loading it through vitest's ESM pipeline instead would mix graphql's ESM
 * and CJS copies (type-graphql requires the CJS one) and break with "another realm" errors.
 */
const load = createRequire(__filename);
const { loadApiConfig } = load('@herald/config') as typeof import('@herald/config');
const { openDatabase } = load('@herald/db') as typeof import('@herald/db');
const { createTestDatabase } = load('@herald/db/testing') as typeof import('@herald/db/testing');
const { createServer } = load('../../dist/server.js') as typeof import('../server');
const { createLogger } = load('@herald/observability') as typeof import('@herald/observability');

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors: { message: string; extensions?: Record<string, any>; path?: string[] }[] | undefined;
}

export interface TestApi {
  url: string;
  config: ApiConfig;
  db: Database;
  server: HeraldServer;
  testDb: TestDatabase;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GqlResult<T>>;
  /** Like gql, but fails the test on any GraphQL error. */
  ok<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<T>;
  createTenant(name?: string): Promise<{ tenantId: string; apiKey: string }>;
  /**
   * A second API process of the same deployment: same configuration and database, its own
   * server and connection pool (what HERALD_API_PROCESSES or another replica runs).
   */
  startPeer(): Promise<{ url: string; gql: TestApi['gql']; stop(): Promise<void> }>;
  /** The SMTP sink the API sends to: every mail it sent, for tests to follow the links. */
  mail: MailSink;
  /** Waits for the newest-after-now mail to `to` with a link of `kind`, and returns its token. */
  linkFor(to: string, kind: 'verify-email' | 'accept-invitation', since?: Date): Promise<string>;
  stop(): Promise<void>;
}

export function adminDatabaseUrl(): string {
  return (
    process.env.HERALD_TEST_ADMIN_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/** Starts the real API in-process on a free port, against a fresh database of its own. */
export async function startTestApi(
  env: Record<string, string> = {},
  options: { resolveHost?: ResolveHost; logger?: import('@herald/observability').Logger } = {},
): Promise<TestApi> {
  const testDb = await createTestDatabase(adminDatabaseUrl(), 'api');
  const sinkModule = await import('../../../../infra/dev/mail-sink.mjs');
  const mail = await sinkModule.startMailSink();
  const config = loadApiConfig({
    DATABASE_URL: testDb.url,
    PORT: '0',
    HOST: '127.0.0.1',
    HERALD_ENV: 'test',
    HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    HERALD_OPERATOR_TOKEN: OPERATOR_TOKEN,
    HERALD_ALLOW_HTTP: 'true',
    HERALD_SSRF_ALLOWLIST: '127.0.0.0/8,::1/128',
    HERALD_LOG_LEVEL: 'error',
    HERALD_DB_POOL_SIZE: '5',
    SMTP_URL: mail.url,
    // Every suite signs up and logs in from 127.0.0.1; security-identity.test.ts sets them low.
    HERALD_SIGNUP_PER_ADDRESS_PER_HOUR: '10000',
    HERALD_SIGNUP_PER_EMAIL_PER_HOUR: '10000',
    HERALD_LOGIN_PER_ADDRESS_PER_MINUTE: '10000',
    HERALD_ACCEPT_PER_ADDRESS_PER_MINUTE: '10000',
    ...env,
  });
  const db = await openDatabase(config.database);
  const server = await createServer({
    config,
    db,
    logger: options.logger ?? createLogger('error'),
    resolveHost: options.resolveHost,
  });
  const url = await server.listen();

  const gql = gqlClient(url);

  const api: TestApi = {
    url,
    config,
    db,
    server,
    testDb,
    gql,
    async startPeer() {
      const peerDb = await openDatabase(config.database, { migrate: false });
      const peer = await createServer({ config, db: peerDb, logger: createLogger('error') });
      const peerUrl = await peer.listen();
      return {
        url: peerUrl,
        gql: gqlClient(peerUrl),
        async stop() {
          await peer.stop();
          await peerDb.close();
        },
      };
    },
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string | null) {
      const result = await gql<T>(query, variables, token);
      if (result.errors?.length)
        throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    async createTenant(name = 'Acme') {
      const data = await api.ok<{ createTenant: { tenant: { id: string }; apiKey: string } }>(
        `mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id } apiKey } }`,
        { name },
        OPERATOR_TOKEN,
      );
      return { tenantId: data.createTenant.tenant.id, apiKey: data.createTenant.apiKey };
    },
    mail,
    async linkFor(to, kind, since = new Date(0)) {
      const address = to.trim().toLowerCase();
      const found: SinkMail = await mail.waitFor(
        (m) =>
          m.to.includes(address) && m.receivedAt >= since && m.text.includes(`/${kind}#token=`),
      );
      return sinkModule.linkToken(found, kind);
    },
    async stop() {
      await server.stop();
      await db.close();
      await testDb.drop();
      await mail.stop();
    },
  };
  return api;
}

function gqlClient(url: string): TestApi['gql'] {
  return async <T>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GqlResult<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: GqlResult['errors'] };
    return { status: res.status, data: body.data ?? null, errors: body.errors };
  };
}

export function codeOf(result: GqlResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
