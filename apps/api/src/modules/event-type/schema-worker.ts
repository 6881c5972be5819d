import { isHeraldError } from '@herald/domain';
import { JsonSchemaValidator } from './json-schema';
import type { SchemaBatch, SchemaVerdict } from './schema-pool';

/*
 * Runs in a worker thread of SchemaPool: validation of tenant schemas happens here, so however
 * costly a schema's shape, the API's event loop does not wait for it and the pool can end a
 * validation that outlives its budget by ending this thread.
 */
const validator = new JsonSchemaValidator();

export default function validateBatch({ tasks, started }: SchemaBatch): SchemaVerdict[] {
  // The pool's budget runs from here: the message is delivered while this thread works.
  started.postMessage(null);
  started.close();
  return tasks.map((task) => {
    try {
      return { problems: validator.validate(task.cacheKey, task.schema, task.payload) };
    } catch (error) {
      if (isHeraldError(error)) return { unusable: error.message };
      throw error;
    }
  });
}
