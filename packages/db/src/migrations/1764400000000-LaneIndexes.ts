import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lanes pull their work from PostgreSQL: what is due for one endpoint, oldest due first, or for
 * FIFO endpoints the oldest pending message. Partial indexes keep those look-ups small however
 * many finished deliveries accumulate.
 */
export class LaneIndexes1764400000000 implements MigrationInterface {
  name = 'LaneIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_endpoint_due_idx ON deliveries (endpoint_id, next_attempt_at, id) WHERE status = 'PENDING';
      CREATE INDEX deliveries_endpoint_fifo_idx ON deliveries (endpoint_id, message_id, id) WHERE status = 'PENDING';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP INDEX deliveries_endpoint_due_idx; DROP INDEX deliveries_endpoint_fifo_idx;`,
    );
  }
}
