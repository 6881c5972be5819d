import type { PageArgs as DbPageArgs } from '@herald/db';
import { isId, ValidationError, type IdPrefix } from '@herald/domain';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageArgs } from './connection';

/** Page arguments, checked: `prefix` is the id prefix of the listed resource (cursors are its ids). */
export function toPageArgs(args: PageArgs, prefix: string): DbPageArgs {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  // A cursor is an id of the listed type; isId also bounds its time part to the id clock.
  if (args.after != null && !isId(prefix as IdPrefix, args.after)) {
    throw new ValidationError('after is not a valid cursor', { field: 'after' });
  }
  return { first, after: args.after ?? null };
}
