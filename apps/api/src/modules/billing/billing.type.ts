import { PLAN_IDS } from '@herald/config';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const Plan = Object.fromEntries(PLAN_IDS.map((p) => [p, p])) as {
  [K in (typeof PLAN_IDS)[number]]: K;
};
registerEnumType(Plan, {
  name: 'Plan',
  description: 'free (monthly cap), pro (usage-based), enterprise',
});

@ObjectType({ description: 'Usage of one day (UTC).' })
export class DailyUsage {
  @Field() day!: string;
  @Field(() => Int, { description: 'Messages accepted (the billed unit).' }) messages!: number;
  @Field(() => Int, { description: 'Delivery attempts (shown, not billed).' }) attempts!: number;
}

@ObjectType({ description: 'What a billing period costs on the current plan, in cents.' })
export class ProjectedCost {
  @Field() currency!: string;
  @Field(() => Int, { description: 'The plan base price.' }) baseCents!: number;
  @Field(() => Int, { description: 'Usage so far, billed per started 1,000 messages.' })
  usageCents!: number;
  @Field(() => Int) totalCents!: number;
  @Field(() => Int, { description: 'Messages this period, extrapolated from usage so far.' })
  projectedMessages!: number;
  @Field(() => Int, { description: 'Total at the projected usage.' })
  projectedTotalCents!: number;
}

@ObjectType({ description: 'An invoice Stripe reported (paid or with a failed payment).' })
export class Invoice {
  @Field(() => ID) id!: string;
  @Field({ description: 'paid or payment_failed' }) status!: string;
  @Field(() => Int) amountCents!: number;
  @Field() currency!: string;
  @Field(() => Date, { nullable: true }) periodStart!: Date | null;
  @Field(() => Date, { nullable: true }) periodEnd!: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class Billing {
  @Field(() => Plan, {
    description: 'The plan whose limits apply now (Free once a grace period has run out).',
  })
  plan!: string;
  @Field(() => Plan, { description: 'The plan the tenant subscribed to or was given.' })
  subscribedPlan!: string;
  @Field({ description: 'False until Stripe is configured for this deployment.' })
  configured!: boolean;
  @Field(() => String, {
    nullable: true,
    description: "Stripe's subscription status (active, past_due, canceled, …); null if none.",
  })
  subscriptionStatus!: string | null;
  @Field({ description: 'The subscription ends at the end of the current period.' })
  cancelAtPeriodEnd!: boolean;
  @Field(() => Date, {
    nullable: true,
    description: 'After a failed payment: when the plan falls back to Free limits.',
  })
  graceUntil!: Date | null;
  @Field() periodStart!: Date;
  @Field() periodEnd!: Date;
  @Field(() => Int, { description: 'Messages accepted this period.' }) messages!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'Monthly message cap; null when uncapped.' })
  quota!: number | null;
  @Field(() => Date, { description: 'When the monthly quota resets.' }) quotaResetsAt!: Date;
  @Field(() => [DailyUsage]) daily!: DailyUsage[];
  @Field(() => ProjectedCost, { nullable: true, description: 'null for contract pricing.' })
  projectedCost!: ProjectedCost | null;
  @Field(() => [Invoice], { description: 'The 12 most recent invoices.' }) invoices!: Invoice[];
}

@ObjectType({ description: 'A Stripe-hosted page to open in the browser.' })
export class BillingRedirect {
  @Field() id!: string;
  @Field() url!: string;
}
