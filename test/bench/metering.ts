/*
 * Metering cost benchmark
 * =======================
 *
 * What it measures
 *   What counting usage costs the publish path. Metering is not a separate write: the statement
 *   that stores a batch of messages and its deliveries also adds the batch's size to one of 16
 *   usage_counters shards of the tenant's hour (packages/db PublishRepository.insert). This bench
 *   runs that exact statement with metering on and off (`metered: false`, as operational events
 *   use it), alternating the two modes round by round so both see the same machine state, through
 *   the same tenant-scoped transaction the API uses, and reports messages stored per second and
 *   the per-call latency for each mode, for single messages (sendMessage) and for batches
 *   (sendMessages).
 *
 * Usage
 *   npm run bench:metering -- [--rounds 40] [--calls 50] [--batch 100] [--out FILE]
 *
 *   A throwaway database is created from HERALD_TEST_ADMIN_DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end. Nothing is asserted.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  openDatabase,
  PublishRepository,
  type NewDeliveryRow,
  type NewMessageRow,
} from '@herald/db';
import { createTestDatabase } from '@herald/db/testing';
import { createIdFactory } from '@herald/domain';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    calls: { type: 'string', default: '50' },
    batch: { type: 'string', default: '100' },
    out: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);
const BATCH = Number(values.batch);
const nextId = createIdFactory();
const adminUrl =
  process.env.HERALD_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface ModeResult {
  messagesPerSecond: number;
  callP50Ms: number;
  callP99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const testDb = await createTestDatabase(adminUrl, 'bench_metering');
  const db = await openDatabase({ url: testDb.url, poolSize: 4, statementTimeoutMs: 30_000 });
  try {
    const tenantId = nextId('tnt');
    const appId = nextId('app');
    const endpoints = [nextId('ep'), nextId('ep')];
    await db.withSystem(async (m) => {
      await m.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Bench')`, [tenantId]);
      await m.query(`INSERT INTO applications (id, tenant_id, name) VALUES ($1, $2, 'Bench')`, [
        appId,
        tenantId,
      ]);
      for (const ep of endpoints) {
        await m.query(
          `INSERT INTO endpoints (id, tenant_id, application_id, url) VALUES ($1, $2, $3, 'http://127.0.0.1:9/')`,
          [ep, tenantId, appId],
        );
      }
    });
    const payloadJson = JSON.stringify({
      type: 'invoice.paid',
      amount: 4200,
      note: 'x'.repeat(200),
    });

    const publish = async (size: number, metered: boolean) => {
      const messages: NewMessageRow[] = [];
      const deliveries: NewDeliveryRow[] = [];
      for (let i = 0; i < size; i++) {
        const id = nextId('msg');
        messages.push({
          id,
          applicationId: appId,
          eventType: 'invoice.paid',
          eventId: null,
          payloadJson,
          channels: null,
        });
        for (const endpointId of endpoints) {
          deliveries.push({ id: nextId('dlv'), applicationId: appId, messageId: id, endpointId });
        }
      }
      await db.withTenantSql(tenantId, (tx) =>
        new PublishRepository(tx).insert(messages, deliveries, new Date(), { metered }),
      );
    };

    const run = async (size: number): Promise<Record<'metered' | 'unmetered', ModeResult>> => {
      const calls: Record<string, number[]> = { metered: [], unmetered: [] };
      const busyMs: Record<string, number> = { metered: 0, unmetered: 0 };
      // Warm-up, then alternate modes round by round.
      for (let i = 0; i < 5; i++) await publish(size, i % 2 === 0);
      for (let round = 0; round < ROUNDS; round++) {
        for (const metered of round % 2 === 0 ? [true, false] : [false, true]) {
          const mode = metered ? 'metered' : 'unmetered';
          for (let c = 0; c < CALLS; c++) {
            const t0 = performance.now();
            await publish(size, metered);
            const ms = performance.now() - t0;
            calls[mode]!.push(ms);
            busyMs[mode]! += ms;
          }
        }
      }
      const result = {} as Record<'metered' | 'unmetered', ModeResult>;
      for (const mode of ['metered', 'unmetered'] as const) {
        const sorted = [...calls[mode]!].sort((a, b) => a - b);
        result[mode] = {
          messagesPerSecond: Math.round((sorted.length * size) / (busyMs[mode]! / 1000)),
          callP50Ms: Number(percentile(sorted, 50).toFixed(3)),
          callP99Ms: Number(percentile(sorted, 99).toFixed(3)),
        };
      }
      return result;
    };

    const single = await run(1);
    const batch = await run(BATCH);
    const [usage] = await db.withSystem(
      (m) =>
        m.query(`SELECT coalesce(sum(messages), 0)::int AS n FROM usage_counters`) as Promise<
          { n: number }[]
        >,
    );
    const report = {
      rounds: ROUNDS,
      callsPerRound: CALLS,
      batchSize: BATCH,
      single,
      batch,
      singleOverheadPercent: Number(
        (100 * (single.unmetered.messagesPerSecond / single.metered.messagesPerSecond - 1)).toFixed(
          1,
        ),
      ),
      batchOverheadPercent: Number(
        (100 * (batch.unmetered.messagesPerSecond / batch.metered.messagesPerSecond - 1)).toFixed(
          1,
        ),
      ),
      meteredMessagesCounted: usage!.n,
      cpus: os.cpus().length,
      node: process.version,
      timestamp: new Date().toISOString(),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (values.out) {
      const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    await db.close();
    await testDb.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
