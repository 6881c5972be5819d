import { useEffect, useState } from 'react';
import { ApplicationsQuery, BillingQuery, EndpointHealth } from '../api';
import { Chart } from '../components/Chart';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui';
import type { EndpointHealthQuery } from '../gql/graphql';
import type { ApiError } from '../lib/client';
import { formatNumber } from '../lib/format';
import { useClient, useQuery } from '../lib/hooks';
import { Link } from '../lib/router';

type Failing = EndpointHealthQuery['endpoints']['nodes'][number] & {
  appId: string;
  appName: string;
};

/** Endpoints that failed in the last 24 h or are disabled, across the first applications. */
function useFailingEndpoints(apps: { id: string; name: string }[] | undefined) {
  const client = useClient();
  const [state, setState] = useState<{ list?: Failing[]; error?: ApiError }>({});
  const key = apps?.map((a) => a.id).join(',');
  useEffect(() => {
    if (!apps) return;
    let cancelled = false;
    const since = new Date(Date.now() - 86_400_000).toISOString();
    Promise.all(
      apps.map((app) =>
        client
          .request(EndpointHealth, { application: app.id, since })
          .then((d) =>
            d.endpoints.nodes.map((ep) => ({ ...ep, appId: app.id, appName: app.name })),
          ),
      ),
    ).then(
      (lists) => {
        if (cancelled) return;
        const failing = lists
          .flat()
          .filter((ep) => ep.disabled || ep.stats.failed > 0 || ep.stats.exhausted > 0)
          .sort((a, b) => b.stats.failed - a.stats.failed);
        setState({ list: failing });
      },
      (error: ApiError) => !cancelled && setState({ error }),
    );
    return () => {
      cancelled = true;
    };
    // `key` stands for the list of applications (a new array each render).
  }, [client, key]);
  return state;
}

export function Overview() {
  const billing = useQuery(BillingQuery, {});
  const apps = useQuery(ApplicationsQuery, { first: 20 });
  const failing = useFailingEndpoints(apps.data?.applications.nodes);
  const b = billing.data?.billing;
  const usedShare = b?.quota ? Math.min(1, b.messages / b.quota) : 0;

  return (
    <div className="stack">
      <PageHeader title="Overview" />
      <ErrorNotice error={billing.error} title="Could not load usage" />
      {!b && billing.fetching && <Loading what="usage" />}
      {b && (
        <>
          <section className="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">Plan usage</h2>
            <p>
              <strong className="plan">{b.plan}</strong> plan · {formatNumber(b.messages)} messages
              {b.quota ? ` of ${formatNumber(b.quota)}` : ''} this period ·{' '}
              {formatNumber(b.attempts)} delivery attempts
            </p>
            {b.quota ? (
              <div className="meter-wrap">
                <meter
                  min={0}
                  max={b.quota}
                  value={b.messages}
                  high={b.quota * 0.8}
                  optimum={0}
                  aria-label="Messages used of the monthly quota"
                />
                <span>{Math.round(usedShare * 100)} %</span>
                {usedShare >= 0.8 && (
                  <span className="bad-text">
                    Close to the limit: <Link to="/billing">upgrade</Link>
                  </span>
                )}
              </div>
            ) : (
              <p className="hint">No monthly cap on this plan.</p>
            )}
          </section>
          <div className="grid-2">
            <Chart
              title="Messages per day"
              labels={b.daily.map((d) => d.day.slice(5))}
              series={[
                {
                  name: 'Messages',
                  color: 'var(--accent)',
                  values: b.daily.map((d) => d.messages),
                },
              ]}
            />
            <Chart
              title="Delivery attempts per day"
              labels={b.daily.map((d) => d.day.slice(5))}
              series={[
                { name: 'Attempts', color: 'var(--ok)', values: b.daily.map((d) => d.attempts) },
              ]}
            />
          </div>
        </>
      )}
      <section aria-labelledby="failing-heading">
        <h2 id="failing-heading">Failing endpoints</h2>
        <ErrorNotice error={apps.error ?? failing.error} />
        {apps.data?.applications.nodes.length === 0 && (
          <EmptyState title="No applications yet">
            <p>
              Create an <Link to="/apps">application</Link> for each of your customers, then add
              their endpoints.
            </p>
          </EmptyState>
        )}
        {apps.data &&
          apps.data.applications.nodes.length > 0 &&
          !failing.list &&
          !failing.error && <Loading what="endpoint health" />}
        {failing.list?.length === 0 && (
          <p className="ok-text">All endpoints delivered fine in the last 24 hours.</p>
        )}
        {failing.list && failing.list.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Application</th>
                  <th scope="col">Failed (24 h)</th>
                  <th scope="col">Exhausted</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {failing.list.map((ep) => (
                  <tr key={ep.id}>
                    <td className="url-cell">
                      <Link to={`/apps/${ep.appId}/endpoints/${ep.id}`}>{ep.url}</Link>
                    </td>
                    <td>{ep.appName}</td>
                    <td className="bad-text">{ep.stats.failed}</td>
                    <td>{ep.stats.exhausted}</td>
                    <td>
                      {ep.disabled
                        ? `disabled${ep.disabledReason ? `: ${ep.disabledReason}` : ''}`
                        : 'enabled'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
