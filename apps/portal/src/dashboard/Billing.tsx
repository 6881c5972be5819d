import { BillingQuery } from '../api';
import { Chart } from '../components/Chart';
import { Details, ErrorNotice, Loading, Notice, PageHeader, Time } from '../components/ui';
import { formatNumber } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { BillingActions } from './BillingActions';

export function Billing() {
  const { data, error, fetching } = useQuery(BillingQuery, {});
  if (error && !data) return <ErrorNotice error={error} title="Could not load billing" />;
  if (!data || fetching) return <Loading what="billing" />;
  const b = data.billing;
  return (
    <div className="stack">
      <PageHeader title="Billing" />
      <Details
        items={[
          [
            'Plan',
            <strong key="p" className="plan" data-testid="billing-plan">
              {b.plan}
            </strong>,
          ],
          [
            'Period',
            <span key="d">
              <Time iso={b.periodStart} /> – <Time iso={b.periodEnd} />
            </span>,
          ],
          [
            'Messages',
            `${formatNumber(b.messages)}${b.quota ? ` of ${formatNumber(b.quota)}` : ''}`,
          ],
          ['Delivery attempts', formatNumber(b.attempts)],
        ]}
      />
      {b.quota !== null && b.quota !== undefined && b.messages >= b.quota && (
        <Notice kind="warning">
          The monthly quota is used up: new messages are refused with PLAN_LIMIT_EXCEEDED until the
          period resets or you upgrade.
        </Notice>
      )}
      <Chart
        title="Usage per day"
        labels={b.daily.map((d) => d.day.slice(5))}
        series={[
          { name: 'Messages', color: 'var(--accent)', values: b.daily.map((d) => d.messages) },
          { name: 'Attempts', color: 'var(--ok)', values: b.daily.map((d) => d.attempts) },
        ]}
      />
      {b.configured ? (
        <BillingActions plan={b.plan} />
      ) : (
        <Notice>
          Billing is not configured for this deployment: plans are set by the operator, and there is
          nothing to pay here.
        </Notice>
      )}
    </div>
  );
}
