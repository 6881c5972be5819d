import { useState, type FormEvent } from 'react';
import { CreateEndpoint, EventTypesQuery, UpdateEndpoint } from '../api';
import { JsonEditor, jsonProblems } from '../components/JsonEditor';
import {
  KeyValueEditor,
  headerProblems,
  pairsFrom,
  pairsToRecord,
  type Pair,
} from '../components/KeyValueEditor';
import { Button, ErrorNotice, Field, PageHeader } from '../components/ui';
import { parseList, pretty } from '../lib/format';
import { useMutation, useQuery } from '../lib/hooks';
import { checkEndpointUrl, checkPayloadFilter, parseJson } from '../lib/json-checks';
import { Link, useNavigate } from '../lib/router';
import type { EndpointFieldsFragment } from '../gql/graphql';
import { useScope } from './scope';

export interface EndpointFormValues {
  url: string;
  description: string;
  allEventTypes: boolean;
  eventTypes: string[];
  channels: string;
  payloadFilter: string;
  headers: Pair[];
  rateLimit: string;
  fifo: boolean;
}

export function initialValues(endpoint?: EndpointFieldsFragment | null): EndpointFormValues {
  return {
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    allEventTypes: !endpoint?.eventTypes?.length,
    eventTypes: endpoint?.eventTypes ?? [],
    channels: (endpoint?.channels ?? []).join(', '),
    payloadFilter: endpoint?.payloadFilter ? pretty(endpoint.payloadFilter) : '',
    headers: pairsFrom(endpoint?.headers),
    rateLimit: endpoint?.rateLimitPerSecond ? String(endpoint.rateLimitPerSecond) : '',
    fifo: endpoint?.fifo ?? false,
  };
}

/** Every problem of the form, by field; an empty object means it can be submitted. */
export function validateEndpointForm(v: EndpointFormValues): Partial<Record<string, string>> {
  const errors: Partial<Record<string, string>> = {};
  const url = checkEndpointUrl(v.url);
  if (url) errors.url = url;
  if (!v.allEventTypes && v.eventTypes.length === 0)
    errors.eventTypes = 'Pick at least one event type, or choose "All event types"';
  const filter = jsonProblems(v.payloadFilter, (value) => checkPayloadFilter(value));
  if (filter.length) errors.payloadFilter = filter[0];
  const headers = headerProblems(v.headers);
  if (headers.length) errors.headers = headers[0];
  if (v.rateLimit && !/^[1-9]\d{0,5}$/.test(v.rateLimit.trim()))
    errors.rateLimit = 'A whole number of requests per second (1–999999), or empty for no limit';
  return errors;
}

function toInput(v: EndpointFormValues) {
  const filter = parseJson(v.payloadFilter);
  const channels = parseList(v.channels);
  return {
    url: v.url.trim(),
    description: v.description.trim(),
    eventTypes: v.allEventTypes ? null : v.eventTypes,
    channels: channels.length ? channels : null,
    payloadFilter: filter.ok && !filter.empty ? (filter.value as Record<string, unknown>) : null,
    headers: pairsToRecord(v.headers),
    rateLimitPerSecond: v.rateLimit.trim() ? Number(v.rateLimit) : null,
    fifo: v.fifo,
  };
}

/** Create or edit an endpoint of the scoped application. */
export function EndpointForm({ endpoint }: { endpoint?: EndpointFieldsFragment | null }) {
  const scope = useScope();
  const navigate = useNavigate();
  const [values, setValues] = useState(() => initialValues(endpoint));
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation(CreateEndpoint);
  const update = useMutation(UpdateEndpoint);
  const catalogue = useQuery(EventTypesQuery, { first: 250 });
  const errors = validateEndpointForm(values);
  const shown = (name: string) => (submitted ? errors[name] : undefined);
  const set = <K extends keyof EndpointFormValues>(key: K, value: EndpointFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const busy = create.fetching || update.fetching;
  const serverError = create.error ?? update.error;
  const serverField = serverError?.field?.split('.')[0];

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    const input = toInput(values);
    if (endpoint) {
      const data = await update.run({ id: endpoint.id, input });
      if (data) navigate(`${scope.basePath}/endpoints/${endpoint.id}`);
    } else {
      const data = await create.run({ input: { ...input, application: scope.applicationId } });
      if (data) navigate(`${scope.basePath}/endpoints/${data.createEndpoint.id}`);
    }
  };

  const known = catalogue.data?.eventTypes.nodes.map((e) => e.name) ?? [];
  const choices = [...new Set([...known, ...values.eventTypes])].sort();

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Endpoint">
      <PageHeader title={endpoint ? 'Edit endpoint' : 'Add endpoint'} />
      <Field
        label="Endpoint URL"
        hint="Where Herald POSTs signed webhooks, e.g. https://example.com/webhooks"
        error={shown('url') ?? (serverField === 'url' ? serverError?.message : undefined)}
      >
        {(p) => (
          <input
            {...p}
            type="url"
            inputMode="url"
            autoComplete="off"
            value={values.url}
            onChange={(e) => set('url', e.target.value)}
          />
        )}
      </Field>
      <Field label="Description">
        {(p) => (
          <input
            {...p}
            value={values.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <fieldset className="choices">
        <legend>Event types</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={values.allEventTypes}
            onChange={(e) => set('allEventTypes', e.target.checked)}
          />
          All event types
        </label>
        {!values.allEventTypes && (
          <div className="choice-list">
            {choices.length === 0 && (
              <p className="hint">No event types yet: create them first, or listen to all.</p>
            )}
            {choices.map((name) => (
              <label className="check" key={name}>
                <input
                  type="checkbox"
                  checked={values.eventTypes.includes(name)}
                  onChange={(e) =>
                    set(
                      'eventTypes',
                      e.target.checked
                        ? [...values.eventTypes, name]
                        : values.eventTypes.filter((n) => n !== name),
                    )
                  }
                />
                {name}
              </label>
            ))}
          </div>
        )}
        {shown('eventTypes') && <div className="field-error">{shown('eventTypes')}</div>}
      </fieldset>
      <Field
        label="Channels"
        hint="Comma-separated. Only messages sent to one of these channels are delivered; empty: all."
      >
        {(p) => (
          <input {...p} value={values.channels} onChange={(e) => set('channels', e.target.value)} />
        )}
      </Field>
      <JsonEditor
        label="Payload filter (optional)"
        hint='Deliver only matching payloads, e.g. {"data.amount": {"$gt": 100}}. Operators: $eq $ne $gt $gte $lt $lte $in $nin $exists $contains $startsWith $and $or $not.'
        value={values.payloadFilter}
        onChange={(text) => set('payloadFilter', text)}
        check={(value) => checkPayloadFilter(value)}
        rows={4}
      />
      <KeyValueEditor
        legend="Custom headers"
        pairs={values.headers}
        onChange={(pairs) => set('headers', pairs)}
      />
      <div className="row">
        <Field
          label="Rate limit (requests per second)"
          error={shown('rateLimit')}
          hint="Empty: no limit."
        >
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={values.rateLimit}
              onChange={(e) => set('rateLimit', e.target.value)}
            />
          )}
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={values.fifo}
            onChange={(e) => set('fifo', e.target.checked)}
          />
          FIFO: deliver strictly in order, one at a time
        </label>
      </div>
      {submitted && Object.keys(errors).length > 0 && (
        <div className="notice notice-error" role="alert">
          Please fix the highlighted fields: {Object.values(errors).join(' · ')}
        </div>
      )}
      <ErrorNotice error={serverError} title="Could not save the endpoint" />
      <div className="actions">
        <Button type="submit" variant="primary" busy={busy}>
          {endpoint ? 'Save endpoint' : 'Create endpoint'}
        </Button>
        <Link
          className="btn btn-secondary"
          to={
            endpoint ? `${scope.basePath}/endpoints/${endpoint.id}` : `${scope.basePath}/endpoints`
          }
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
