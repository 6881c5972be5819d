import { useMemo, useState } from 'react';
import {
  AttemptsQuery,
  DeleteEndpoint,
  DisableEndpoint,
  EnableEndpoint,
  EndpointQuery,
  EndpointSecretQuery,
  RecoverEndpoint,
  RotateEndpointSecret,
} from '../api';
import { Chart } from '../components/Chart';
import {
  Button,
  CopyButton,
  Details,
  ErrorNotice,
  Loading,
  Notice,
  PageHeader,
  StatusBadge,
  Time,
} from '../components/ui';
import type { AttemptFieldsFragment } from '../gql/graphql';
import { pretty } from '../lib/format';
import { useMutation, useQuery } from '../lib/hooks';
import { Link, useNavigate, useParams } from '../lib/router';
import { AttemptList } from './AttemptList';
import { EndpointForm } from './EndpointForm';
import { useScope } from './scope';
import { SendTestEvent } from './SendTestEvent';

/** Attempts bucketed per hour over the last `hours`: successes, failures, mean latency. */
export function hourlyBuckets(
  attempts: Pick<AttemptFieldsFragment, 'attemptedAt' | 'status' | 'durationMs'>[],
  hours = 24,
  now = Date.now(),
) {
  const HOUR = 3_600_000;
  const end = Math.floor(now / HOUR) * HOUR + HOUR;
  const labels: string[] = [];
  const ok = new Array<number>(hours).fill(0);
  const failed = new Array<number>(hours).fill(0);
  const latencySum = new Array<number>(hours).fill(0);
  for (let i = 0; i < hours; i++)
    labels.push(`${String(new Date(end - (hours - i) * HOUR).getHours()).padStart(2, '0')}h`);
  for (const a of attempts) {
    const index = hours - Math.ceil((end - new Date(a.attemptedAt).getTime()) / HOUR);
    if (index < 0 || index >= hours) continue;
    if (a.status === 'SUCCEEDED') ok[index]!++;
    else failed[index]!++;
    latencySum[index]! += a.durationMs;
  }
  const latency = latencySum.map((sum, i) => {
    const n = ok[i]! + failed[i]!;
    return n ? Math.round(sum / n) : 0;
  });
  return { labels, ok, failed, latency };
}

function EndpointCharts({ endpointId }: { endpointId: string }) {
  const { data } = useQuery(AttemptsQuery, { endpointId, first: 250 });
  const buckets = useMemo(() => hourlyBuckets(data?.attempts.nodes ?? []), [data]);
  if (!data) return null;
  return (
    <div className="grid-2">
      <Chart
        title="Attempts per hour (last 24 h)"
        labels={buckets.labels}
        series={[
          { name: 'Succeeded', color: 'var(--ok)', values: buckets.ok },
          { name: 'Failed', color: 'var(--bad)', values: buckets.failed },
        ]}
      />
      <Chart
        title="Mean latency per hour"
        kind="line"
        unit=" ms"
        labels={buckets.labels}
        series={[{ name: 'Latency', color: 'var(--accent)', values: buckets.latency }]}
      />
    </div>
  );
}

function SecretPanel({ endpointId, canWrite }: { endpointId: string; canWrite: boolean }) {
  const reveal = useMutation(EndpointSecretQuery);
  const rotate = useMutation(RotateEndpointSecret);
  const [shown, setShown] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const secret =
    shown === 'rotated'
      ? rotate.data?.rotateEndpointSecret
      : shown === 'revealed'
        ? reveal.data?.endpointSecret
        : null;
  return (
    <section className="card" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret</h2>
      <p className="hint">
        Verify the <code>webhook-signature</code> header with this secret (Standard Webhooks).
      </p>
      {secret ? (
        <div className="secret">
          <code data-testid="endpoint-secret">{secret.key}</code>
          <CopyButton text={secret.key} />
          <Button variant="link" onClick={() => setShown(null)}>
            Hide
          </Button>
        </div>
      ) : (
        <code className="secret-mask">whsec_••••••••••••••••</code>
      )}
      {shown === 'rotated' && secret && (
        <Notice kind="success">
          Secret rotated. The previous secret keeps signing for 24 hours so receivers can switch
          over.
        </Notice>
      )}
      {canWrite && (
        <div className="actions">
          {!secret && (
            <Button
              busy={reveal.fetching}
              onClick={async () => {
                if (await reveal.run({ id: endpointId })) setShown('revealed');
              }}
            >
              Reveal secret
            </Button>
          )}
          {!confirming ? (
            <Button onClick={() => setConfirming(true)}>Rotate secret…</Button>
          ) : (
            <>
              <Button
                variant="danger"
                busy={rotate.fetching}
                onClick={async () => {
                  if (await rotate.run({ id: endpointId })) setShown('rotated');
                  setConfirming(false);
                }}
              >
                Confirm rotation
              </Button>
              <Button onClick={() => setConfirming(false)}>Cancel</Button>
            </>
          )}
        </div>
      )}
      {!canWrite && <p className="hint">Only roles that may write can see secrets.</p>}
      <ErrorNotice error={reveal.error ?? rotate.error} title="Secret" />
    </section>
  );
}

function RecoverPanel({ endpointId, onDone }: { endpointId: string; onDone(): void }) {
  const [hours, setHours] = useState('24');
  const recover = useMutation(RecoverEndpoint);
  return (
    <section className="card" aria-labelledby="recover-heading">
      <h2 id="recover-heading">Recover failed messages</h2>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const since = new Date(Date.now() - Number(hours) * 3_600_000).toISOString();
          if (await recover.run({ id: endpointId, since })) onDone();
        }}
      >
        <label>
          Re-send every failure of the last{' '}
          <select value={hours} onChange={(e) => setHours(e.target.value)}>
            <option value="1">hour</option>
            <option value="24">24 hours</option>
            <option value="168">7 days</option>
          </select>
        </label>
        <Button type="submit" busy={recover.fetching}>
          Recover
        </Button>
      </form>
      {recover.data && (
        <Notice kind="success">{recover.data.recoverEndpoint} deliveries queued again.</Notice>
      )}
      <ErrorNotice error={recover.error} title="Recover" />
    </section>
  );
}

export function EndpointEdit() {
  const { endpointId } = useParams();
  const { data, error, fetching } = useQuery(EndpointQuery, { id: endpointId! });
  if (error) return <ErrorNotice error={error} title="Could not load the endpoint" />;
  if (!data || fetching) return <Loading what="endpoint" />;
  return <EndpointForm endpoint={data.endpoint} />;
}

export function EndpointDetail() {
  const scope = useScope();
  const navigate = useNavigate();
  const { endpointId } = useParams();
  const id = endpointId!;
  const { data, error, fetching, refetch } = useQuery(EndpointQuery, { id });
  const enable = useMutation(EnableEndpoint);
  const disable = useMutation(DisableEndpoint);
  const remove = useMutation(DeleteEndpoint);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [refresh, setRefresh] = useState(0);

  if (error && !data) return <ErrorNotice error={error} title="Could not load the endpoint" />;
  if (!data) return <Loading what="endpoint" />;
  const ep = data.endpoint;
  const afterChange = () => {
    refetch();
    setRefresh((n) => n + 1);
  };

  return (
    <div className="stack">
      <p className="breadcrumb">
        <Link to={`${scope.basePath}/endpoints`}>← Endpoints</Link>
      </p>
      <PageHeader
        title={<span className="url-title">{ep.url}</span>}
        actions={
          scope.canWrite && (
            <>
              <Link className="btn btn-secondary" to={`${scope.basePath}/endpoints/${id}/edit`}>
                Edit
              </Link>
              {ep.disabled ? (
                <Button
                  busy={enable.fetching}
                  onClick={async () => (await enable.run({ id })) && refetch()}
                >
                  Enable
                </Button>
              ) : (
                <Button
                  busy={disable.fetching}
                  onClick={async () =>
                    (await disable.run({ id, reason: 'Disabled in the portal' })) && refetch()
                  }
                >
                  Disable
                </Button>
              )}
              {!confirmDelete ? (
                <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                  Delete…
                </Button>
              ) : (
                <>
                  <Button
                    variant="danger"
                    busy={remove.fetching}
                    onClick={async () => {
                      if (await remove.run({ id })) navigate(`${scope.basePath}/endpoints`);
                    }}
                  >
                    Confirm delete
                  </Button>
                  <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
                </>
              )}
            </>
          )
        }
      />
      <ErrorNotice error={enable.error ?? disable.error ?? remove.error} />
      {fetching && <span className="hint">Refreshing…</span>}
      <div className="stats" aria-label="Last 24 hours">
        <div>
          <strong>{ep.stats.succeeded}</strong> succeeded
        </div>
        <div>
          <strong>{ep.stats.failed}</strong> failed
        </div>
        <div>
          <strong>{ep.stats.pending}</strong> pending
        </div>
        <div>
          <strong>{ep.stats.exhausted}</strong> exhausted
        </div>
      </div>
      <Details
        items={[
          ['State', <StatusBadge key="s" status={ep.disabled ? 'DISABLED' : 'ENABLED'} />],
          ...(ep.disabled && ep.disabledReason
            ? ([['Disabled because', ep.disabledReason]] as [string, string][])
            : []),
          ['Description', ep.description || '—'],
          ['Event types', ep.eventTypes?.join(', ') || 'all'],
          ['Channels', ep.channels?.join(', ') || 'all'],
          [
            'Payload filter',
            ep.payloadFilter ? <code key="f">{JSON.stringify(ep.payloadFilter)}</code> : 'none',
          ],
          [
            'Custom headers',
            Object.keys(ep.headers).length ? <code key="h">{pretty(ep.headers)}</code> : 'none',
          ],
          ['Rate limit', ep.rateLimitPerSecond ? `${ep.rateLimitPerSecond}/s` : 'none'],
          ['Order', ep.fifo ? 'FIFO (strictly in order)' : 'parallel'],
          ['Created', <Time key="c" iso={ep.createdAt} />],
          ['Id', <code key="i">{ep.id}</code>],
        ]}
      />
      <SecretPanel endpointId={id} canWrite={scope.canWrite} />
      {scope.canWrite && !scope.consumer && (
        <SendTestEvent endpoint={ep} onSent={() => setTimeout(afterChange, 1500)} />
      )}
      {scope.canWrite && !scope.consumer && <RecoverPanel endpointId={id} onDone={afterChange} />}
      <EndpointCharts key={refresh} endpointId={id} />
      <section aria-labelledby="attempts-heading">
        <div className="section-head">
          <h2 id="attempts-heading">Attempts</h2>
          <Button onClick={afterChange}>Refresh</Button>
        </div>
        <AttemptList endpointId={id} refreshKey={refresh} />
      </section>
    </div>
  );
}
