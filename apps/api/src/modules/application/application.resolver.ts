import { ValidationError } from '@herald/domain';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireScope, requireTenant } from '../../auth/principal';
import { assertInScope } from '../portal/scope';
import type { ApiContext } from '../../context';
import { toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import {
  ApplicationsArgs,
  CreateApplicationInput,
  UpdateApplicationInput,
} from './application.input';
import { Application, ApplicationConnection, toApplication } from './application.type';

@Resolver(() => Application)
export class ApplicationResolver {
  @Mutation(() => Application)
  async createApplication(@Arg('input') input: CreateApplicationInput, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toApplication(await ctx.services.applications.create(tenantId, input));
  }

  @Mutation(() => Application)
  async updateApplication(
    @Arg('id', () => ID, { description: 'An app_ id or the uid.' }) id: string,
    @Arg('input') input: UpdateApplicationInput,
    @Ctx() ctx: ApiContext,
  ) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toApplication(await ctx.services.applications.update(tenantId, id, input));
  }

  @Mutation(() => ID, { description: 'Deletes the application with its endpoints and messages.' })
  deleteApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return ctx.services.applications.delete(tenantId, id);
  }

  @Query(() => Application, { description: 'By app_ id or by uid: give exactly one.' })
  async application(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('uid', () => String, { nullable: true }) uid: string | null,
    @Ctx() ctx: ApiContext,
  ) {
    const scope = requireScope(ctx.principal, 'read');
    const { tenantId } = scope;
    if ((id == null) === (uid == null)) {
      throw new ValidationError('Give exactly one of id or uid', { field: 'id' });
    }
    await assertInScope(ctx, scope, { application: id ?? uid });
    const app =
      id != null
        ? await ctx.services.applications.getById(tenantId, id)
        : await ctx.services.applications.get(tenantId, uid as string);
    return toApplication(app);
  }

  @Mutation(() => Application, {
    description:
      'Creates (once) the application that receives your operational webhooks: endpoint.disabled, message.attempt.failing, message.attempt.exhausted, message.attempt.recovered. Add endpoints to it like to any application.',
  })
  async enableOperationalWebhooks(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'write');
    return toApplication(await ctx.services.applications.enableOperational(tenantId));
  }

  @Query(() => Application, {
    nullable: true,
    description: 'Null until enableOperationalWebhooks.',
  })
  async operationalApplication(@Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    const app = await ctx.services.applications.findOperational(tenantId);
    return app ? toApplication(app) : null;
  }

  @Query(() => ApplicationConnection)
  async applications(@Args() args: ApplicationsArgs, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'read');
    const page = await ctx.services.applications.list(tenantId, args, toPageArgs(args, 'app'));
    return toConnection(page, toApplication);
  }
}
