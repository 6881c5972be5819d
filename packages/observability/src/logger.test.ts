import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('writes one JSON line per entry at or above the level, with base fields', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { app: 'api' }, (line) => void lines.push(line));
    logger.debug('hidden');
    logger.info('started', { port: 4000 });
    logger.error('failed');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      msg: 'started',
      app: 'api',
      port: 4000,
    });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'error', msg: 'failed' });
  });
});
