export function BillingActions({ plan }: { plan: string }) {
  return <p>Plan: {plan}</p>;
}
