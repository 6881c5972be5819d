import type { PageArgs as DbPageArgs } from '@herald/db';
import { ValidationError } from '@herald/domain';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageArgs } from './connection';

export function toPageArgs(args: PageArgs): DbPageArgs {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  if (args.after != null && (args.after.length > 64 || !/^[a-z]+_[0-9A-Z]+$/.test(args.after))) {
    throw new ValidationError('after is not a valid cursor', { field: 'after' });
  }
  return { first, after: args.after ?? null };
}
