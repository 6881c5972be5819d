import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { loadWorkerConfig } from '@herald/config';
import { createRegistry, deliveryMetrics } from '@herald/observability';
import { queueLagSampler, startHealthServer, type HealthServer } from './health-server';

describe('worker health server', () => {
  let server: HealthServer;
  let live = true;
  let notReady: string | null = 'starting';
  const registry = createRegistry();

  beforeAll(async () => {
    deliveryMetrics(registry).attempt({
      status: 200,
      errorKind: null,
      durationMs: 12,
      outcome: 'succeeded',
    });
    server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      live: () => live,
      ready: async () => notReady,
    });
  });
  afterAll(() => server?.close());

  it('answers /healthz from the liveness check', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    live = false;
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    live = true;
  });

  it('answers /readyz 503 with the reason until ready, then 200', async () => {
    let res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'starting' });
    notReady = null;
    res = await fetch(`${server.url}/readyz?verbose=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('serves Prometheus metrics, and 404 for anything else', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('herald_delivery_attempts_total{result="2xx"} 1');
    expect(text).toContain('herald_delivery_queue_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('leaves /metrics out when metrics are disabled, and reports failing checks', async () => {
    const bare = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      registry: null,
      ready: async () => {
        throw new Error('database down');
      },
    });
    try {
      expect((await fetch(`${bare.url}/metrics`)).status).toBe(404);
      const res = await fetch(`${bare.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', reason: 'database down' });
      expect((await fetch(`${bare.url}/healthz`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('queueLagSampler', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    const admin =
      process.env.HERALD_TEST_ADMIN_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres';
    testDb = await createTestDatabase(admin, 'worker_lag');
    const config = loadWorkerConfig({
      DATABASE_URL: testDb.url,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      HERALD_DB_POOL_SIZE: '2',
    });
    db = await openDatabase(config.database);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('reports the age of the oldest due PENDING delivery and how many are due', async () => {
    const sample = queueLagSampler(db);
    expect(await sample()).toEqual({ lagSeconds: 0, due: 0 });
    // Rows alone, without their tenant/message/endpoint: foreign keys off for this transaction
    // (the test role is a superuser).
    await db.withSystem(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(
        `INSERT INTO deliveries (id, tenant_id, application_id, message_id, endpoint_id, status, next_attempt_at)
         VALUES ('dlv_1', 'tnt_x', 'app_x', 'msg_1', 'ep_x', 'PENDING', now() - interval '90 seconds'),
                ('dlv_2', 'tnt_x', 'app_x', 'msg_2', 'ep_x', 'PENDING', now() - interval '10 seconds'),
                ('dlv_3', 'tnt_x', 'app_x', 'msg_3', 'ep_x', 'PENDING', now() + interval '1 hour'),
                ('dlv_4', 'tnt_x', 'app_x', 'msg_4', 'ep_x', 'SUCCEEDED', now() - interval '1 day')`,
      );
    });
    const { lagSeconds, due } = await sample();
    expect(due).toBe(2);
    expect(lagSeconds).toBeGreaterThanOrEqual(90);
    expect(lagSeconds).toBeLessThan(120);
  });
});
