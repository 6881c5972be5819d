import { useState, type FormEvent } from 'react';
import { MessageQuery, MessagesQuery, ResendMessage, RetryDelivery } from '../api';
import {
  Button,
  Details,
  EmptyState,
  ErrorNotice,
  Loading,
  Notice,
  Pager,
  PageHeader,
  StatusBadge,
  Time,
} from '../components/ui';
import { parseList, pretty } from '../lib/format';
import { useCursorPages, useMutation, useQuery } from '../lib/hooks';
import { Link, useNavigate, useParams, useSearchParam } from '../lib/router';
import { AttemptList } from './AttemptList';
import { useScope } from './scope';

function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function summarize(deliveries: { status: string }[]): string {
  if (!deliveries.length) return 'no endpoint matched';
  const counts = new Map<string, number>();
  for (const d of deliveries) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ');
}

/** The message log with filters kept in the URL, so a filtered view can be shared. */
export function MessageList() {
  const scope = useScope();
  const navigate = useNavigate();
  const [eventTypes, setEventTypes] = useSearchParam('eventTypes');
  const [channel, setChannel] = useSearchParam('channel');
  const [since, setSince] = useSearchParam('since');
  const [until, setUntil] = useSearchParam('until');
  const [search, setSearch] = useState('');
  const [searchError, setSearchError] = useState<string | null>(null);
  const filterKey = [eventTypes, channel, since, until].join('|');
  const pages = useCursorPages(25, `${scope.applicationId}|${filterKey}`);
  const types = parseList(eventTypes);
  const { data, error, fetching, refetch } = useQuery(MessagesQuery, {
    application: scope.applicationId,
    first: pages.first,
    after: pages.after,
    eventTypes: types.length ? types : null,
    channel: channel || null,
    since: toIso(since),
    until: toIso(until),
  });
  const messages = data?.messages.nodes ?? [];
  const filtered = Boolean(filterKey.replace(/\|/g, ''));

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    const id = search.trim();
    if (!/^msg_[A-Za-z0-9]+$/.test(id)) {
      setSearchError('Enter a message id such as msg_2b…');
      return;
    }
    setSearchError(null);
    navigate(`${scope.basePath}/messages/${id}`);
  };

  return (
    <section aria-labelledby="messages-heading">
      <div className="section-head">
        <h2 id="messages-heading">Messages</h2>
        <Button onClick={refetch} busy={fetching}>
          Refresh
        </Button>
      </div>
      <form className="filters" onSubmit={onSearch} role="search" aria-label="Find a message">
        <label>
          Message id
          <input
            value={search}
            placeholder="msg_…"
            onChange={(e) => setSearch(e.target.value)}
            aria-invalid={searchError ? true : undefined}
          />
        </label>
        <Button type="submit">Open</Button>
        {searchError && <span className="field-error">{searchError}</span>}
      </form>
      <div className="filters" aria-label="Filters" role="group">
        <label>
          Event types
          <input
            defaultValue={eventTypes}
            placeholder="invoice.paid, user.created"
            onBlur={(e) => setEventTypes(parseList(e.target.value).join(','))}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          />
        </label>
        <label>
          Channel
          <input
            defaultValue={channel}
            onBlur={(e) => setChannel(e.target.value.trim())}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          />
        </label>
        <label>
          From
          <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </div>
      <ErrorNotice error={error} title="Could not load messages" />
      {!data && fetching && <Loading what="messages" />}
      {data && messages.length === 0 && (
        <EmptyState title={filtered ? 'No messages match these filters' : 'No messages yet'}>
          <p>
            {filtered
              ? 'Widen the time range or clear the filters.'
              : scope.consumer
                ? 'Messages appear here as soon as events are sent to you.'
                : 'Publish with the sendMessage mutation or the SDK, or send a test event from an endpoint.'}
          </p>
        </EmptyState>
      )}
      {messages.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Event type</th>
                <th scope="col">Deliveries</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`${scope.basePath}/messages/${m.id}`}>
                      <code>{m.id}</code>
                    </Link>
                    {m.channels?.length ? (
                      <div className="hint">#{m.channels.join(' #')}</div>
                    ) : null}
                  </td>
                  <td>{m.eventType}</td>
                  <td>{summarize(m.deliveries)}</td>
                  <td>
                    <Time iso={m.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.messages.pageInfo}
        fetching={fetching}
        label="Message pages"
      />
    </section>
  );
}

/** One message: payload, its deliveries (retry / resend) and every attempt. */
export function MessageDetail() {
  const scope = useScope();
  const { messageId } = useParams();
  const id = messageId!;
  const { data, error, refetch, fetching } = useQuery(MessageQuery, { id });
  const retry = useMutation(RetryDelivery);
  const resend = useMutation(ResendMessage);
  const [busy, setBusy] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  if (error && !data) return <ErrorNotice error={error} title="Could not load the message" />;
  if (!data) return <Loading what="message" />;
  const m = data.message;

  const act = async (key: string, label: string, run: () => Promise<unknown>) => {
    setBusy(key);
    setDone(null);
    const ok = await run();
    setBusy(null);
    if (ok) {
      setDone(label);
      setTimeout(() => {
        refetch();
        setRefresh((n) => n + 1);
      }, 1000);
    }
  };

  return (
    <div className="stack">
      <p className="breadcrumb">
        <Link to={`${scope.basePath}/messages`}>← Messages</Link>
      </p>
      <PageHeader
        title={<code>{m.id}</code>}
        actions={
          <Button
            busy={fetching}
            onClick={() => {
              refetch();
              setRefresh((n) => n + 1);
            }}
          >
            Refresh
          </Button>
        }
      />
      <Details
        items={[
          ['Event type', m.eventType],
          ['Event id', m.eventId ?? '—'],
          ['Channels', m.channels?.join(', ') || '—'],
          ['Created', <Time key="t" iso={m.createdAt} />],
        ]}
      />
      <h2>Payload</h2>
      {m.payload ? (
        <pre className="code">{pretty(m.payload)}</pre>
      ) : (
        <Notice>
          The payload was removed <Time iso={m.payloadExpungedAt} /> under the data-retention
          policy; the delivery history stays, but the message can no longer be re-sent.
        </Notice>
      )}
      <h2>Deliveries</h2>
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorNotice error={retry.error ?? resend.error} />
      {m.deliveries.length === 0 ? (
        <EmptyState title="No endpoint matched this message">
          <p>
            Endpoints receive a message when its event type, channels and payload match their
            filters.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last / next attempt</th>
                {scope.canWrite && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {m.deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td>
                    <Link to={`${scope.basePath}/endpoints/${d.endpointId}`}>
                      <code>{d.endpointId}</code>
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td>{d.attemptCount}</td>
                  <td>
                    <Time iso={d.lastAttemptAt} /> / <Time iso={d.nextAttemptAt} />
                  </td>
                  {scope.canWrite && (
                    <td className="row-actions">
                      {d.status !== 'SUCCEEDED' && (
                        <Button
                          busy={busy === `retry:${d.id}`}
                          onClick={() =>
                            act(`retry:${d.id}`, 'Retry started.', () => retry.run({ id: d.id }))
                          }
                        >
                          Retry now
                        </Button>
                      )}
                      {m.payload && (
                        <Button
                          busy={busy === `resend:${d.id}`}
                          onClick={() =>
                            act(`resend:${d.id}`, 'Message sent again.', () =>
                              resend.run({ messageId: m.id, endpointId: d.endpointId }),
                            )
                          }
                        >
                          Resend
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Attempts</h2>
      <AttemptList messageId={m.id} refreshKey={refresh} />
    </div>
  );
}
