import { PLAN_IDS } from '@herald/config';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

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

@ObjectType()
export class Billing {
  @Field(() => Plan) plan!: string;
  @Field({ description: 'False until Stripe is configured for this deployment.' })
  configured!: boolean;
  @Field() periodStart!: Date;
  @Field() periodEnd!: Date;
  @Field(() => Int, { description: 'Messages accepted this period.' }) messages!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'Monthly message cap; null when uncapped.' })
  quota!: number | null;
  @Field(() => [DailyUsage]) daily!: DailyUsage[];
}
