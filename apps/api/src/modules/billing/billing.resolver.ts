import type { PlanId } from '@herald/config';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireOperator, requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { Billing, BillingRedirect, Plan } from './billing.type';

@Resolver()
export class BillingResolver {
  @Query(() => Billing, {
    description: "Plan, this month's usage by day, quota, projected cost and recent invoices.",
  })
  billing(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    return ctx.services.billing.summary(tenantId);
  }

  @Mutation(() => BillingRedirect, {
    description:
      'A Stripe Checkout page (subscription mode) for a self-serve plan. Owners and admins; ' +
      'BILLING_NOT_CONFIGURED without Stripe. The plan changes when Stripe confirms it.',
  })
  createCheckoutSession(
    @Arg('plan', () => Plan) plan: PlanId,
    @Arg('successUrl', () => String, { nullable: true }) successUrl: string | null,
    @Arg('cancelUrl', () => String, { nullable: true }) cancelUrl: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'manage_billing');
    return ctx.services.billing.createCheckoutSession(tenantId, plan, { successUrl, cancelUrl });
  }

  @Mutation(() => BillingRedirect, {
    description: "Stripe's billing portal (payment methods, invoices, cancellation).",
  })
  createBillingPortalSession(
    @Arg('returnUrl', () => String, { nullable: true }) returnUrl: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'manage_billing');
    return ctx.services.billing.createBillingPortalSession(tenantId, returnUrl);
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
