import type { ReactNode } from 'react';
import { BillingQuery } from '../api';
import { Chart } from '../components/Chart';
import {
  Details,
  EmptyState,
  ErrorNotice,
  Loading,
  Notice,
  PageHeader,
  Time,
} from '../components/ui';
import { formatNumber } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { useSearchParam } from '../lib/router';
import { BillingActions } from './BillingActions';
import { hasRole, useViewer } from './viewer';

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency.toUpperCase(),
  }).format(cents / 100);
}

export function Billing() {
  const viewer = useViewer();
  const [checkout] = useSearchParam('checkout');
  const { data, error } = useQuery(BillingQuery, {});
  if (error && !data) return <ErrorNotice error={error} title="Could not load billing" />;
  if (!data) return <Loading what="billing" />;
  const b = data.billing;
  const cost = b.projectedCost;
  return (
    <div className="stack">
      <PageHeader title="Billing" />
      {checkout === 'success' && (
        <Notice kind="success">
          Thank you! The new plan applies as soon as Stripe confirms the payment (usually seconds).
        </Notice>
      )}
      {b.graceUntil && (
        <Notice kind="warning">
          The last payment failed. Update your payment method before <Time iso={b.graceUntil} />, or
          the Free plan’s limits apply.
        </Notice>
      )}
      <Details
        items={[
          [
            'Plan',
            <strong key="p" className="plan" data-testid="billing-plan">
              {b.plan}
            </strong>,
          ],
          ...(b.subscribedPlan !== b.plan
            ? ([
                [
                  'Subscribed plan',
                  <span key="s" className="plan">
                    {b.subscribedPlan}
                  </span>,
                ],
              ] as [string, ReactNode][])
            : []),
          [
            'Subscription',
            b.subscriptionStatus
              ? `${b.subscriptionStatus}${b.cancelAtPeriodEnd ? ' (ends with the period)' : ''}`
              : 'none',
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
          ['Quota resets', <Time key="r" iso={b.quotaResetsAt} />],
          ['Delivery attempts', formatNumber(b.attempts)],
          ...(cost
            ? ([
                ['Cost so far', money(cost.totalCents, cost.currency)],
                [
                  'Projected for the period',
                  `${money(cost.projectedTotalCents, cost.currency)} (${formatNumber(cost.projectedMessages)} messages)`,
                ],
              ] as [string, string][])
            : []),
        ]}
      />
      {b.quota !== null && b.quota !== undefined && b.messages >= b.quota && (
        <Notice kind="warning">
          The monthly quota is used up: new messages are refused with PLAN_LIMIT_EXCEEDED until{' '}
          <Time iso={b.quotaResetsAt} /> or until you upgrade.
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
        <BillingActions
          plan={b.plan}
          canManage={hasRole(viewer, 'admin')}
          hasSubscription={Boolean(b.subscriptionStatus)}
        />
      ) : (
        <Notice>
          Billing is not configured for this deployment: plans are set by the operator, and there is
          nothing to pay here.
        </Notice>
      )}
      <section aria-labelledby="invoices-heading">
        <h2 id="invoices-heading">Invoices</h2>
        {b.invoices.length === 0 ? (
          <EmptyState title="No invoices yet">
            <p>
              {b.configured
                ? 'Invoices appear here after your first paid period.'
                : 'Nothing is billed on this deployment.'}
            </p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Period</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {b.invoices.map((inv) => (
                  <tr key={inv.id}>
                    <td>
                      <Time iso={inv.createdAt} />
                    </td>
                    <td>
                      <Time iso={inv.periodStart} /> – <Time iso={inv.periodEnd} />
                    </td>
                    <td>{money(inv.amountCents, inv.currency)}</td>
                    <td>
                      <span className={`badge badge-${inv.status === 'paid' ? 'ok' : 'bad'}`}>
                        {inv.status.replace('_', ' ')}
                      </span>
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
