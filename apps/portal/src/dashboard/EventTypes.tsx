import { useState, type FormEvent } from 'react';
import {
  ArchiveEventType,
  CreateEventType,
  EventTypeQuery,
  EventTypesQuery,
  UpdateEventType,
} from '../api';
import { jsonProblems } from '../components/JsonEditor';
import { SchemaEditor } from '../components/SchemaEditor';
import {
  Button,
  EmptyState,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  Pager,
  PageHeader,
} from '../components/ui';
import type { EventTypeFieldsFragment } from '../gql/graphql';
import { pretty } from '../lib/format';
import { useCursorPages, useMutation, useQuery } from '../lib/hooks';
import {
  checkJsonSchema,
  isPlainObject,
  parseJson,
  validateAgainstSchema,
} from '../lib/json-checks';
import { Link, useNavigate, useParams } from '../lib/router';
import { hasRole, useViewer } from './viewer';

const NAME = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/;

export function eventTypeProblems(v: { name: string; schema: string; example: string }) {
  const errors: Record<string, string> = {};
  if (!NAME.test(v.name))
    errors.name = 'A dotted name such as invoice.paid (letters, digits, "_" and "-")';
  const schemaProblems = jsonProblems(v.schema, (s) =>
    isPlainObject(s) ? checkJsonSchema(s) : ['The schema must be a JSON object'],
  );
  if (schemaProblems.length) errors.schema = schemaProblems[0]!;
  const parsedSchema = parseJson(v.schema);
  const exampleProblems = jsonProblems(v.example, (value) =>
    parsedSchema.ok && !parsedSchema.empty && !errors.schema
      ? validateAgainstSchema(parsedSchema.value, value)
      : [],
  );
  if (exampleProblems.length) errors.example = `Example: ${exampleProblems[0]}`;
  return errors;
}

function EventTypeForm({ existing }: { existing?: EventTypeFieldsFragment }) {
  const navigate = useNavigate();
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [schema, setSchema] = useState(existing?.schema ? pretty(existing.schema) : '');
  const [example, setExample] = useState(
    existing?.example !== undefined && existing?.example !== null ? pretty(existing.example) : '',
  );
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation(CreateEventType);
  const update = useMutation(UpdateEventType);
  const errors = eventTypeProblems({ name, schema, example });
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    const s = parseJson(schema);
    const x = parseJson(example);
    const schemaValue = s.ok && !s.empty ? (s.value as Record<string, unknown>) : null;
    const exampleValue = x.ok && !x.empty ? x.value : null;
    if (existing) {
      const data = await update.run({
        name: existing.name,
        input: { description, schema: schemaValue, example: exampleValue },
      });
      if (data) navigate('/event-types');
    } else {
      const data = await create.run({
        input: { name, description, schema: schemaValue, example: exampleValue },
      });
      if (data) navigate('/event-types');
    }
  };
  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-label="Event type">
      <h2>{existing ? `Edit ${existing.name}` : 'New event type'}</h2>
      {!existing && (
        <Field label="Name" hint="e.g. invoice.paid" error={submitted ? errors.name : undefined}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      )}
      <Field label="Description">
        {(p) => (
          <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <SchemaEditor
        schema={schema}
        example={example}
        onSchemaChange={setSchema}
        onExampleChange={setExample}
      />
      {submitted && Object.keys(errors).length > 0 && (
        <div className="notice notice-error" role="alert">
          {Object.values(errors).join(' · ')}
        </div>
      )}
      <ErrorNotice error={create.error ?? update.error} title="Could not save the event type" />
      <div className="actions">
        <Button type="submit" variant="primary" busy={create.fetching || update.fetching}>
          {existing ? 'Save event type' : 'Create event type'}
        </Button>
        <Link className="btn btn-secondary" to="/event-types">
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function EventTypeNew() {
  return <EventTypeForm />;
}

export function EventTypeEdit() {
  const { name } = useParams();
  const { data, error } = useQuery(EventTypeQuery, { name: name! });
  if (error) return <ErrorNotice error={error} title="Could not load the event type" />;
  if (!data) return <Loading what="event type" />;
  return <EventTypeForm existing={data.eventType} />;
}

export function EventTypes() {
  const viewer = useViewer();
  const canWrite = hasRole(viewer, 'developer');
  const [archived, setArchived] = useState(false);
  const pages = useCursorPages(25, String(archived));
  const { data, error, fetching, refetch } = useQuery(EventTypesQuery, {
    first: pages.first,
    after: pages.after,
    includeArchived: archived,
  });
  const archive = useMutation(ArchiveEventType);
  const types = data?.eventTypes.nodes ?? [];
  return (
    <div className="stack">
      <PageHeader
        title="Event types"
        actions={
          canWrite && (
            <Link className="btn btn-primary" to="/event-types/new">
              New event type
            </Link>
          )
        }
      />
      <label className="check">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
        Show archived
      </label>
      <ErrorNotice error={error ?? archive.error} />
      {archive.data && (
        <Notice kind="success">Updated {archive.data.archiveEventType.name}.</Notice>
      )}
      {!data && fetching && <Loading what="event types" />}
      {data && types.length === 0 && (
        <EmptyState title="No event types yet">
          <p>
            Event types name the events you send (e.g. <code>invoice.paid</code>) and can carry a
            JSON Schema and an example your customers see in their portal.
          </p>
        </EmptyState>
      )}
      {types.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Schema</th>
                {canWrite && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {types.map((t) => (
                <tr key={t.id}>
                  <td>
                    <code>{t.name}</code>{' '}
                    {t.archived && <span className="badge badge-muted">archived</span>}
                  </td>
                  <td>{t.description || '—'}</td>
                  <td>{t.schema ? 'yes' : '—'}</td>
                  {canWrite && (
                    <td className="row-actions">
                      <Link
                        className="btn btn-secondary"
                        to={`/event-types/${encodeURIComponent(t.name)}`}
                      >
                        Edit
                      </Link>
                      <Button
                        busy={archive.fetching}
                        onClick={async () => {
                          if (await archive.run({ name: t.name, archived: !t.archived })) refetch();
                        }}
                      >
                        {t.archived ? 'Restore' : 'Archive'}
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.eventTypes.pageInfo}
        fetching={fetching}
        label="Event type pages"
      />
    </div>
  );
}
