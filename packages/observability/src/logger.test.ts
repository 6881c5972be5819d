import { describe, expect, it } from 'vitest';
import { addLogContextProvider, runWithLogContext } from './context';
import { createLogger, type Level } from './logger';

function capture(level: Level = 'debug', base: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const logger = createLogger(level, base, (line) => void lines.push(line));
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l)) };
}

describe('createLogger', () => {
  it('writes one JSON line per entry at or above the level, with base fields', () => {
    const { logger, lines } = capture('info', { app: 'api' });
    logger.debug('hidden');
    logger.info('started', { port: 4000 });
    logger.error('failed');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({ level: 'info', msg: 'started', app: 'api', port: 4000 });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'error', msg: 'failed' });
    expect(logger.isLevelEnabled('debug')).toBe(false);
    expect(logger.isLevelEnabled('warn')).toBe(true);
  });

  it('child loggers carry their fields on every entry and nest', () => {
    const { logger, entries } = capture('debug', { app: 'worker' });
    const lane = logger.child({ endpointId: 'ep_1' });
    const step = lane.child({ step: 2 });
    lane.info('lane woke');
    step.warn('slow step', { ms: 900 });
    logger.info('no child fields');
    const [a, b, c] = entries();
    expect(a).toMatchObject({ app: 'worker', endpointId: 'ep_1', msg: 'lane woke' });
    expect(b).toMatchObject({ app: 'worker', endpointId: 'ep_1', step: 2, ms: 900, level: 'warn' });
    expect(c.endpointId).toBeUndefined();
  });

  it('masks secrets, tokens, passwords and payloads at any depth, without touching the input', () => {
    const { logger, lines } = capture();
    const headers = {
      authorization: 'Bearer hk_live_abcdef',
      'x-api-key': 'k-123',
      cookie: 'sid=1',
      'content-type': 'application/json',
    };
    const fields = {
      headers,
      request: {
        body: '{"card":"4242"}',
        password: 'hunter2',
        nested: { webhookSecret: 'whsec_x' },
      },
      payload: { amount: 42 },
      operatorToken: 'op-token',
      signingSecrets: ['whsec_a'],
      tokenCount: 3,
      messageId: 'msg_1',
    };
    logger.info('request', fields);
    const entry = JSON.parse(lines[0]);
    expect(entry.headers).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      cookie: '[redacted]',
      'content-type': 'application/json',
    });
    expect(entry.request).toEqual({
      body: '[redacted]',
      password: '[redacted]',
      nested: { webhookSecret: '[redacted]' },
    });
    expect(entry.payload).toBe('[redacted]');
    expect(entry.operatorToken).toBe('[redacted]');
    expect(entry.signingSecrets).toBe('[redacted]');
    expect(entry.tokenCount).toBe(3);
    expect(entry.messageId).toBe('msg_1');
    for (const secret of ['hk_live_abcdef', 'k-123', '4242', 'hunter2', 'whsec_', 'op-token']) {
      expect(lines[0]).not.toContain(secret);
    }
    // The caller's objects are left alone.
    expect(headers.authorization).toBe('Bearer hk_live_abcdef');
  });

  it('scrubs credential-shaped text in messages, strings and errors', () => {
    const { logger, lines } = capture();
    const error = new Error('upstream refused Bearer abc.def-ghi');
    logger.error('call with hk_0123ABCD failed', {
      error,
      detail: 'key hs_SESSION1 and whsec_zzz',
    });
    const entry = JSON.parse(lines[0]);
    expect(entry.msg).toBe('call with hk_[redacted] failed');
    expect(entry.error).toMatchObject({
      type: 'Error',
      message: 'upstream refused Bearer [redacted]',
    });
    expect(entry.error.stack).toContain('upstream refused Bearer [redacted]');
    expect(entry.detail).toBe('key hs_[redacted] and whsec_[redacted]');
  });

  it('masks secrets passed to child loggers and base fields', () => {
    const { logger, lines } = capture('info', { app: 'api', apiKey: 'hk_secret' });
    logger.child({ authorization: 'Bearer x', tenantId: 'tnt_1' }).info('hello');
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({
      apiKey: '[redacted]',
      authorization: '[redacted]',
      tenantId: 'tnt_1',
    });
  });

  it('adds the request context (request id, tenant id) to entries written inside it', async () => {
    const { logger, entries } = capture();
    const context: { requestId: string; tenantId?: string } = { requestId: 'req-1' };
    await runWithLogContext(context, async () => {
      logger.info('before auth');
      await new Promise((resolve) => setTimeout(resolve, 1));
      context.tenantId = 'tnt_9';
      logger.info('after auth', { extra: true });
      logger.info('own fields win', { requestId: 'explicit' });
    });
    logger.info('outside');
    const [a, b, c, d] = entries();
    expect(a).toMatchObject({ requestId: 'req-1' });
    expect(a.tenantId).toBeUndefined();
    expect(b).toMatchObject({ requestId: 'req-1', tenantId: 'tnt_9', extra: true });
    expect(c.requestId).toBe('explicit');
    expect(d.requestId).toBeUndefined();
    // Logging must not write entry fields back into the shared context.
    expect(context).toEqual({ requestId: 'req-1', tenantId: 'tnt_9' });
  });

  it('merges fields from registered context providers (the tracing hook)', () => {
    const { logger, entries } = capture();
    const remove = addLogContextProvider(() => ({ traceId: 't-1' }));
    logger.info('traced');
    remove();
    logger.info('untraced');
    const [a, b] = entries();
    expect(a.traceId).toBe('t-1');
    expect(b.traceId).toBeUndefined();
  });
});
