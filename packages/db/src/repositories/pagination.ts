import { minIdForTime, type IdPrefix } from '@herald/domain';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

export interface PageArgs {
  /** Page size; callers clamp it before it gets here. */
  first: number;
  /** Cursor: the id of the last item of the previous page. */
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * How far an id's time may be from its row's timestamp column (created_at, attempted_at). Ids are
 * made by the process that sets the timestamp, a few milliseconds later, and stay increasing when
 * that clock steps back; the margin also covers rows whose timestamp comes from the database's
 * clock. A time filter widened by it to an id range never loses a row.
 */
export const ID_CLOCK_MARGIN_MS = 5 * 60_000;

/** Ids hold 48 bits of milliseconds: 1970 to the year 10889. */
const MAX_ID_MS = 2 ** 48 - 1;

/**
 * The smallest id of `prefix` at `ms`, with `ms` clamped to what the id clock holds. A bound
 * before 1970 or past the id clock is still a valid question (its answer is "every id" or "no
 * id"); minIdForTime throws a RangeError on it, which answered INTERNAL_SERVER_ERROR for
 * `messages(until: "0001-01-01T00:00:00Z")`.
 */
export function idBoundForTime(prefix: IdPrefix, ms: number): string {
  return minIdForTime(prefix, Math.min(MAX_ID_MS, Math.max(0, Math.floor(ms))));
}

/**
 * Keyset pagination over prefixed, time-sortable ids: newest first, `after` is exclusive.
 * It stays fast at any depth, unlike OFFSET.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  { first, after }: PageArgs,
): Promise<Page<T>> {
  const alias = qb.alias;
  if (after) qb.andWhere(`${alias}.id < :__after`, { __after: after });
  const rows = await qb
    .orderBy(`${alias}.id`, 'DESC')
    .take(first + 1)
    .getMany();
  return toPage(rows, first);
}

export function toPage<T extends { id: string }>(rows: T[], first: number): Page<T> {
  const hasNextPage = rows.length > first;
  const items = hasNextPage ? rows.slice(0, first) : rows;
  return { items, hasNextPage, endCursor: items.length ? items[items.length - 1].id : null };
}
