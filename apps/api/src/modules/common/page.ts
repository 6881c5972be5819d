import type { PageArgs as DbPageArgs } from '@herald/db';
import { ValidationError } from '@herald/domain';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageArgs } from './connection';

/** Page arguments, checked: `prefix` is the id prefix of the listed resource (cursors are its ids). */
export function toPageArgs(args: PageArgs, prefix: string): DbPageArgs {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  if (
    args.after != null &&
    (args.after.length > 64 || !new RegExp(`^${prefix}_[0-9A-Z]+$`).test(args.after))
  ) {
    throw new ValidationError('after is not a valid cursor', { field: 'after' });
  }
  return { first, after: args.after ?? null };
}
