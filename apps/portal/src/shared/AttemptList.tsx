import { Fragment, useState } from 'react';
import { AttemptsQuery } from '../api';
import type { AttemptFieldsFragment } from '../gql/graphql';
import { EmptyState, ErrorNotice, Loading, Pager, StatusBadge, Time } from '../components/ui';
import { formatDuration, pretty } from '../lib/format';
import { useCursorPages, useQuery } from '../lib/hooks';

export function AttemptDetails({ attempt }: { attempt: AttemptFieldsFragment }) {
  return (
    <div className="attempt-details">
      <h4>Request headers</h4>
      <pre className="code">{attempt.requestHeaders ? pretty(attempt.requestHeaders) : '—'}</pre>
      <h4>Response {attempt.httpStatus ? `(HTTP ${attempt.httpStatus})` : ''}</h4>
      <pre className="code">
        {attempt.responseExcerpt ||
          (attempt.errorKind ? `No response: ${attempt.errorKind}` : '(empty body)')}
      </pre>
    </div>
  );
}

/** Attempts of a message or an endpoint, newest first, each expandable to its request/response. */
export function AttemptList({
  messageId,
  endpointId,
  refreshKey = 0,
}: {
  messageId?: string;
  endpointId?: string;
  refreshKey?: number;
}) {
  const pages = useCursorPages(20, `${messageId}/${endpointId}`);
  const { data, error, fetching, refetch } = useQuery(AttemptsQuery, {
    messageId,
    endpointId,
    first: pages.first,
    after: pages.after,
  });
  const [open, setOpen] = useState<string | null>(null);
  const [seen, setSeen] = useState(refreshKey);
  if (seen !== refreshKey) {
    setSeen(refreshKey);
    refetch();
  }
  const attempts = data?.attempts.nodes ?? [];
  return (
    <section aria-label="Attempts">
      <ErrorNotice error={error} title="Could not load attempts" />
      {!data && fetching && <Loading what="attempts" />}
      {data && attempts.length === 0 && (
        <EmptyState title="No attempts yet">
          <p>Attempts appear here as soon as Herald tries to deliver.</p>
        </EmptyState>
      )}
      {attempts.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">HTTP</th>
                <th scope="col">Duration</th>
                <th scope="col">Trigger</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <Fragment key={a.id}>
                  <tr data-testid="attempt-row">
                    <td>
                      <Time iso={a.attemptedAt} />
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td>{a.httpStatus ?? a.errorKind ?? '—'}</td>
                    <td>{formatDuration(a.durationMs)}</td>
                    <td>{a.trigger.toLowerCase()}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-link"
                        aria-expanded={open === a.id}
                        onClick={() => setOpen(open === a.id ? null : a.id)}
                      >
                        {open === a.id ? 'Hide' : 'Details'}
                      </button>
                    </td>
                  </tr>
                  {open === a.id && (
                    <tr>
                      <td colSpan={6}>
                        <AttemptDetails attempt={a} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.attempts.pageInfo}
        fetching={fetching}
        label="Attempt pages"
      />
    </section>
  );
}
