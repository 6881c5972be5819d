import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ValidationError } from '@herald/domain';

export interface SchemaTask {
  /** Event type id and version: the worker keeps one compiled validator per key. */
  cacheKey: string;
  schema: object;
  payload: unknown;
}

/** What a thread receives: the tasks, and a port on which it says that it has started. */
export interface SchemaBatch {
  tasks: SchemaTask[];
  started: MessagePort;
}

/** `problems` null = the payload conforms; `unusable` = the stored schema cannot run safely. */
export type SchemaVerdict = { problems: string | null } | { unusable: string };

/**
 * Validates payloads against tenant JSON Schemas in worker threads (piscina), each batch under a
 * time budget. Every keyword is linear (json-schema.ts), but a schema's shape can still multiply
 * the work — anyOf branches over a branching $ref chain are exponential — and no static rule
 * catches every such shape. Off the event loop, such a schema costs its own tenant a refused
 * publish after `budgetMs` instead of stalling every request of every tenant.
 */
export class SchemaPool {
  private readonly pool: Piscina;

  constructor(private readonly budgetMs: number) {
    this.pool = new Piscina({
      // Compiled next to this file (the API runs from dist).
      filename: join(__dirname, 'schema-worker.js'),
      minThreads: 1,
      maxThreads: 2,
      idleTimeout: 60_000,
    });
  }

  /**
   * One verdict per task, in order; BAD_USER_INPUT when validation outlives the budget. The
   * budget starts when a thread picks the batch up (it says so on a MessagePort), so neither the
   * queue nor a replacement thread's start-up (~200 ms to load Ajv and RE2) counts against it.
   */
  async validate(tasks: SchemaTask[]): Promise<SchemaVerdict[]> {
    const controller = new AbortController();
    const { port1, port2 } = new MessageChannel();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    port1.once('message', () => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.budgetMs);
    });
    try {
      return (await this.pool.run({ tasks, started: port2 } satisfies SchemaBatch, {
        signal: controller.signal,
        transferList: [port2],
      })) as SchemaVerdict[];
    } catch (error) {
      if (!timedOut) throw error;
      // Aborting a running task ends its thread; piscina starts a fresh one.
      throw new ValidationError(
        `Validating the payload against the event type's schema took longer than ${this.budgetMs} ms; simplify the schema`,
        { field: 'payload', details: { reason: 'SCHEMA_TOO_COSTLY' } },
      );
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
