import type { PlanId } from '@herald/config';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireOperator, requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { Billing, Plan } from './billing.type';

@Resolver()
export class BillingResolver {
  @Query(() => Billing, { description: "Plan, this month's usage by day, and the quota." })
  billing(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    return ctx.services.billing.summary(tenantId);
  }

  @Mutation(() => Plan, { description: "Operator only: override a tenant's plan." })
  setTenantPlan(
    @Arg('tenantId', () => ID) tenantId: string,
    @Arg('plan', () => Plan) plan: PlanId,
    @Ctx() ctx: ApiContext,
  ) {
    requireOperator(ctx.principal);
    return ctx.services.billing.setPlan(tenantId, plan);
  }
}
