import { EnableOperationalWebhooks, OperationalApplication } from '../api';
import { Button, ErrorNotice, Loading, PageHeader } from '../components/ui';
import { useMutation, useQuery } from '../lib/hooks';
import { Link } from '../lib/router';
import { BrandingForm } from './BrandingForm';
import { hasRole, useViewer } from './viewer';

function OperationalWebhooks({ canWrite }: { canWrite: boolean }) {
  const { data, error, refetch } = useQuery(OperationalApplication, {});
  const enable = useMutation(EnableOperationalWebhooks);
  return (
    <section className="card" aria-labelledby="ops-heading">
      <h2 id="ops-heading">Operational webhooks</h2>
      <p className="hint">
        Herald tells you about your own deliveries: <code>endpoint.disabled</code>,{' '}
        <code>message.attempt.failing</code>, <code>message.attempt.exhausted</code>,{' '}
        <code>message.attempt.recovered</code>.
      </p>
      <ErrorNotice error={error ?? enable.error} />
      {!data && !error && <Loading what="settings" />}
      {data?.operationalApplication ? (
        <p>
          Enabled: add your endpoints to{' '}
          <Link to={`/apps/${data.operationalApplication.id}/endpoints`}>
            {data.operationalApplication.name}
          </Link>
          .
        </p>
      ) : (
        data &&
        canWrite && (
          <Button busy={enable.fetching} onClick={async () => (await enable.run({})) && refetch()}>
            Enable operational webhooks
          </Button>
        )
      )}
    </section>
  );
}

export function Settings() {
  const viewer = useViewer();
  return (
    <div className="stack">
      <PageHeader title="Settings" />
      <OperationalWebhooks canWrite={hasRole(viewer, 'admin')} />
      <BrandingForm canWrite={hasRole(viewer, 'admin')} />
    </div>
  );
}
