import { CreateBillingPortalSession, CreateCheckoutSession } from '../api';
import { Button, ErrorNotice } from '../components/ui';
import type { Plan } from '../gql/graphql';
import { useMutation } from '../lib/hooks';

const PLANS: { id: Plan; name: string; blurb: string }[] = [
  { id: 'free', name: 'Free', blurb: 'A monthly message cap; no card needed.' },
  { id: 'pro', name: 'Pro', blurb: 'No cap: a base price plus usage per 1,000 messages.' },
  { id: 'enterprise', name: 'Enterprise', blurb: 'Contract pricing, support and limits to match.' },
];

/** Upgrade (Stripe Checkout) and manage payment (Stripe billing portal): both leave the app. */
export function BillingActions({
  plan,
  canManage,
  hasSubscription,
  go = (url) => window.location.assign(url),
}: {
  plan: Plan;
  canManage: boolean;
  hasSubscription: boolean;
  go?: (url: string) => void;
}) {
  const checkout = useMutation(CreateCheckoutSession);
  const portal = useMutation(CreateBillingPortalSession);
  const here = `${window.location.origin}/billing`;
  return (
    <section className="stack" aria-labelledby="plans-heading">
      <h2 id="plans-heading">Plans</h2>
      <div className="grid-3">
        {PLANS.map((p) => (
          <div key={p.id} className={`card plan-card${p.id === plan ? ' current' : ''}`}>
            <h3>{p.name}</h3>
            <p className="hint">{p.blurb}</p>
            {p.id === plan ? (
              <strong>Current plan</strong>
            ) : p.id === 'pro' && canManage ? (
              <Button
                variant="primary"
                busy={checkout.fetching}
                onClick={async () => {
                  const data = await checkout.run({
                    plan: p.id,
                    successUrl: `${here}?checkout=success`,
                    cancelUrl: here,
                  });
                  if (data) go(data.createCheckoutSession.url);
                }}
              >
                Upgrade to {p.name}
              </Button>
            ) : p.id === 'enterprise' ? (
              <span className="hint">Contact sales.</span>
            ) : null}
          </div>
        ))}
      </div>
      {!canManage && <p className="hint">Only owners and admins can change the plan.</p>}
      <ErrorNotice error={checkout.error} title="Could not start checkout" />
      {canManage && hasSubscription && (
        <div className="actions">
          <Button
            busy={portal.fetching}
            onClick={async () => {
              const data = await portal.run({ returnUrl: here });
              if (data) go(data.createBillingPortalSession.url);
            }}
          >
            Manage payment and invoices
          </Button>
        </div>
      )}
      <ErrorNotice error={portal.error} title="Could not open the billing portal" />
    </section>
  );
}
