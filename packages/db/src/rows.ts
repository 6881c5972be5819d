import type { EntityManager } from 'typeorm';

/**
 * The rows of any statement on a transaction's manager (e.g. inside `withSystem`).
 * EntityManager.query answers INSERT/UPDATE/DELETE … RETURNING with [rows, rowCount]; the query
 * runner's structured result always has the rows in `records`.
 */
export async function rowsOf<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('rowsOf runs inside a transaction (withSystem or withTenant)');
  const result = await runner.query(sql, params, true);
  return result.records as T[];
}
