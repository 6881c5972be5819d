import { EndpointsQuery } from '../api';
import { EmptyState, ErrorNotice, Loading, Pager, StatusBadge } from '../components/ui';
import { useCursorPages, useQuery } from '../lib/hooks';
import { Link } from '../lib/router';
import { useScope } from './scope';

export function EndpointList() {
  const scope = useScope();
  const pages = useCursorPages(25, scope.applicationId);
  const { data, error, fetching } = useQuery(EndpointsQuery, {
    application: scope.applicationId,
    first: pages.first,
    after: pages.after,
  });
  const endpoints = data?.endpoints.nodes ?? [];
  return (
    <section aria-labelledby="endpoints-heading">
      <div className="section-head">
        <h2 id="endpoints-heading">Endpoints</h2>
        {scope.canWrite && (
          <Link className="btn btn-primary" to={`${scope.basePath}/endpoints/new`}>
            Add endpoint
          </Link>
        )}
      </div>
      <ErrorNotice error={error} title="Could not load endpoints" />
      {!data && fetching && <Loading what="endpoints" />}
      {data && endpoints.length === 0 && (
        <EmptyState title="No endpoints yet">
          <p>
            An endpoint is a URL that receives webhooks.{' '}
            {scope.canWrite
              ? 'Add one to start receiving events.'
              : 'Ask someone with write access to add one.'}
          </p>
        </EmptyState>
      )}
      {endpoints.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Event types</th>
                <th scope="col">State</th>
                <th scope="col">Last 24 h</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((ep) => (
                <tr key={ep.id}>
                  <td className="url-cell">
                    <Link to={`${scope.basePath}/endpoints/${ep.id}`}>{ep.url}</Link>
                    {ep.description && <div className="hint">{ep.description}</div>}
                  </td>
                  <td>{ep.eventTypes?.join(', ') || 'all'}</td>
                  <td>
                    <StatusBadge status={ep.disabled ? 'DISABLED' : 'ENABLED'} />
                  </td>
                  <td>
                    <span className="ok-text">{ep.stats.succeeded} ok</span> ·{' '}
                    <span className={ep.stats.failed ? 'bad-text' : ''}>
                      {ep.stats.failed} failed
                    </span>
                    {ep.stats.pending > 0 && <> · {ep.stats.pending} pending</>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.endpoints.pageInfo}
        fetching={fetching}
        label="Endpoint pages"
      />
    </section>
  );
}
