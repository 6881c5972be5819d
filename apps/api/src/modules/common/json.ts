import { ValidationError } from '@herald/domain';

export const MAX_JSON_DEPTH = 64;

/**
 * Refuses JSON nested deeper than `maxDepth` before anything recursive (JSON.stringify, Ajv,
 * PostgreSQL) sees it; a few kilobytes of brackets would otherwise overflow the stack. Iterative
 * on purpose.
 */
export function assertJsonDepth(value: unknown, field: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) {
      throw new ValidationError(`${field} is nested more than ${maxDepth} levels deep`, { field });
    }
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: depth + 1 });
    }
  }
}
