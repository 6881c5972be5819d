import { useCallback, useState } from 'react';
import { DeliveryEvents } from '../api';
import { ErrorNotice, StatusBadge, Time } from '../components/ui';
import type { DeliveryEventsSubscription } from '../gql/graphql';
import { useSubscription } from '../lib/hooks';
import { Link } from '../lib/router';
import { useScope } from './scope';

type Event = DeliveryEventsSubscription['deliveryEvents'] & { receivedAt: string; key: number };

const MAX_EVENTS = 200;

/** Deliveries and attempts of the application as they happen (graphql-ws subscription). */
export function LiveLog() {
  const scope = useScope();
  const [events, setEvents] = useState<Event[]>([]);
  const [paused, setPaused] = useState(false);
  const onData = useCallback((data: DeliveryEventsSubscription) => {
    setEvents((list) =>
      [
        { ...data.deliveryEvents, receivedAt: new Date().toISOString(), key: Math.random() },
        ...list,
      ].slice(0, MAX_EVENTS),
    );
  }, []);
  const { error, active } = useSubscription(
    DeliveryEvents,
    { application: scope.applicationId },
    onData,
    { pause: paused },
  );

  return (
    <section aria-labelledby="live-heading">
      <div className="section-head">
        <h2 id="live-heading">
          Live log{' '}
          <span className={`live-dot${active && !error ? ' on' : ''}`} aria-hidden="true" />
        </h2>
        <div className="actions">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setPaused((p) => !p)}
            aria-pressed={paused}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setEvents([])}
            disabled={!events.length}
          >
            Clear
          </button>
        </div>
      </div>
      <p className="hint" role="status">
        {paused
          ? 'Paused: new events are not shown.'
          : error
            ? 'Disconnected.'
            : 'Listening: new deliveries and attempts appear here without reloading.'}
      </p>
      <ErrorNotice error={error} title="Live log" />
      {events.length === 0 ? (
        <div className="empty">
          <h3>Waiting for events…</h3>
          <p>
            {scope.consumer
              ? 'Deliveries to your endpoints show up here as they happen.'
              : 'Send a test event from one of the endpoints, or publish with the API, and watch it arrive.'}
          </p>
        </div>
      ) : (
        <div className="table-wrap">
          <table aria-live="polite">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Status</th>
                <th scope="col">HTTP</th>
                <th scope="col">Message</th>
                <th scope="col">Endpoint</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.key} data-testid="live-event">
                  <td>
                    <Time iso={e.receivedAt} />
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>{e.httpStatus ?? '—'}</td>
                  <td>
                    <Link to={`${scope.basePath}/messages/${e.messageId}`}>
                      <code>{e.messageId}</code>
                    </Link>
                  </td>
                  <td>
                    <Link to={`${scope.basePath}/endpoints/${e.endpointId}`}>
                      <code>{e.endpointId}</code>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
