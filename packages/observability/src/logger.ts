import pino from 'pino';
import { collectLogContext } from './context';
import { redactFields, redactText } from './redact';

/**
 * Structured logs: one JSON object per line on stderr (pino), shared by every app. Secrets and
 * payloads are masked by key wherever they appear in the fields (see redact.ts), so a careless
 * `logger.info('x', { headers })` cannot leak an Authorization header; still, pass ids, not
 * objects, where you can. Entries written inside an API request carry its request id and tenant
 * id (context.ts).
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose entries all carry `fields` (serialized once, not per entry). */
  child(fields: Record<string, unknown>): Logger;
  /** Whether entries at `level` are written: guard expensive field building with it. */
  isLevelEnabled(level: Level): boolean;
}

export function createLogger(
  level: Level,
  base: Record<string, unknown> = {},
  write?: (line: string) => void,
): Logger {
  const destination = write ? { write } : pino.destination({ dest: 2, sync: true });
  const root = pino(
    {
      level,
      base: redactFields(base),
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactFields(object),
      },
      // Request/tenant ids (and later trace ids) of the work in progress; an entry's own fields win.
      mixin: () => collectLogContext(),
    },
    destination,
  );
  return wrap(root);
}

function wrap(instance: pino.Logger): Logger {
  const entry =
    (at: Level) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields) instance[at](fields, redactText(msg));
      else instance[at](redactText(msg));
    };
  return {
    debug: entry('debug'),
    info: entry('info'),
    warn: entry('warn'),
    error: entry('error'),
    // Bindings are serialized once, at creation, outside the log formatter: mask them here.
    child: (fields) => wrap(instance.child(redactFields(fields))),
    isLevelEnabled: (at) => instance.isLevelEnabled(at),
  };
}
