import { useId, useState, type FormEvent } from 'react';
import { EventTypesQuery, SendMessage } from '../api';
import { JsonEditor, jsonProblems } from '../components/JsonEditor';
import { Button, ErrorNotice, Field, Notice } from '../components/ui';
import type { EndpointFieldsFragment } from '../gql/graphql';
import { parseList, pretty } from '../lib/format';
import { useMutation, useQuery } from '../lib/hooks';
import { isPlainObject, parseJson } from '../lib/json-checks';
import { Link } from '../lib/router';
import { useScope } from './scope';

/** Publishes an event to the endpoint's application, pre-filled from the event type's example. */
export function SendTestEvent({
  endpoint,
  onSent,
}: {
  endpoint: Pick<EndpointFieldsFragment, 'eventTypes' | 'channels'>;
  onSent?(): void;
}) {
  const scope = useScope();
  const listId = useId();
  const catalogue = useQuery(EventTypesQuery, { first: 250 });
  const types = catalogue.data?.eventTypes.nodes ?? [];
  const [eventType, setEventType] = useState(endpoint.eventTypes?.[0] ?? '');
  const [payload, setPayload] = useState('');
  const [channels, setChannels] = useState(endpoint.channels?.[0] ?? '');
  const [submitted, setSubmitted] = useState(false);
  const send = useMutation(SendMessage);
  const chosen = eventType || types[0]?.name || '';
  const example = types.find((t) => t.name === chosen)?.example;
  const text = payload || pretty(isPlainObject(example) ? example : { test: true });
  const problems = jsonProblems(text, (v) =>
    isPlainObject(v) ? [] : ['The payload must be a JSON object'],
  );

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const parsed = parseJson(text);
    if (!chosen || problems.length || !parsed.ok) return;
    const list = parseList(channels);
    const data = await send.run({
      input: {
        application: scope.applicationId,
        eventType: chosen,
        payload: parsed.value as Record<string, unknown>,
        channels: list.length ? list : null,
      },
    });
    if (data) onSent?.();
  };

  return (
    <section className="card" aria-labelledby={`${listId}-heading`}>
      <h2 id={`${listId}-heading`}>Send a test event</h2>
      <p className="hint">
        Publishes a real message to this application: every endpoint whose filters match receives
        it.
      </p>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Send a test event">
        <Field
          label="Event type"
          error={submitted && !chosen ? 'Choose or type an event type' : undefined}
        >
          {(p) => (
            <>
              <input
                {...p}
                list={`${listId}-types`}
                value={eventType}
                placeholder={types[0]?.name ?? 'invoice.paid'}
                onChange={(e) => {
                  setEventType(e.target.value);
                  setPayload('');
                }}
              />
              <datalist id={`${listId}-types`}>
                {types.map((t) => (
                  <option key={t.id} value={t.name} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Channels" hint="Optional, comma-separated.">
          {(p) => <input {...p} value={channels} onChange={(e) => setChannels(e.target.value)} />}
        </Field>
        <JsonEditor
          label="Payload"
          value={text}
          onChange={setPayload}
          rows={6}
          check={(v) => (isPlainObject(v) ? [] : ['The payload must be a JSON object'])}
        />
        <div className="actions">
          <Button
            type="submit"
            variant="primary"
            busy={send.fetching}
            disabled={problems.length > 0}
          >
            Send test event
          </Button>
        </div>
      </form>
      {send.data && (
        <Notice kind="success">
          Sent{send.data.sendMessage.duplicate ? ' (duplicate of an earlier message)' : ''}:{' '}
          <Link to={`${scope.basePath}/messages/${send.data.sendMessage.message.id}`}>
            {send.data.sendMessage.message.id}
          </Link>{' '}
          with {send.data.sendMessage.message.deliveries.length} deliveries.
        </Notice>
      )}
      <ErrorNotice error={send.error} title="Could not send" />
    </section>
  );
}
