import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C `traceparent` of the request that published a message (null when tracing is off).
 * Deliveries happen later, in a long-lived lane workflow that many requests feed; the worker
 * starts each attempt's span as a child of this context, so one trace runs from the publishing
 * request to every HTTP delivery of its message.
 */
export class TraceContext1765200000000 implements MigrationInterface {
  name = 'TraceContext1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN trace_context text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN trace_context`);
  }
}
