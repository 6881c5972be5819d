import {
  checkJsonSchema,
  isPlainObject,
  parseJson,
  validateAgainstSchema,
} from '../lib/json-checks';
import { JsonEditor } from './JsonEditor';

const STARTER = `{
  "type": "object",
  "properties": {
    "id": { "type": "string" },
    "amount": { "type": "integer", "minimum": 0 }
  },
  "required": ["id"]
}`;

/** A JSON Schema and an example payload, each checked as you type (the example against the schema). */
export function SchemaEditor({
  schema,
  example,
  onSchemaChange,
  onExampleChange,
}: {
  schema: string;
  example: string;
  onSchemaChange(text: string): void;
  onExampleChange(text: string): void;
}) {
  const parsedSchema = parseJson(schema);
  const usableSchema =
    parsedSchema.ok && !parsedSchema.empty && checkJsonSchema(parsedSchema.value).length === 0
      ? parsedSchema.value
      : undefined;
  return (
    <div className="grid-2">
      <div>
        <JsonEditor
          label="JSON Schema"
          hint="Payloads of this type must match it. Leave empty to accept any object."
          value={schema}
          onChange={onSchemaChange}
          rows={12}
          check={(value) =>
            isPlainObject(value) ? checkJsonSchema(value) : ['The schema must be a JSON object']
          }
        />
        {!schema.trim() && (
          <button type="button" className="btn btn-link" onClick={() => onSchemaChange(STARTER)}>
            Start from a template
          </button>
        )}
      </div>
      <JsonEditor
        label="Example payload"
        hint={
          usableSchema ? 'Checked against the schema.' : 'Shown to your customers in the catalogue.'
        }
        value={example}
        onChange={onExampleChange}
        rows={12}
        check={(value) => (usableSchema ? validateAgainstSchema(usableSchema, value) : [])}
      />
    </div>
  );
}
