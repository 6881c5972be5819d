import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  Query,
  Resolver,
} from 'type-graphql';
import type { Role as RoleName } from '@herald/domain';
import { requireTenant } from '../../auth/principal';
import type { ApiContext } from '../../context';
import { PageArgs, toConnection } from '../common/connection';
import { toPageArgs } from '../common/page';
import { Role } from '../common/role';
import { ApiKey, ApiKeyConnection, CreateApiKeyPayload, toApiKey } from './api-key.type';

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field(() => Role, {
    nullable: true,
    description: 'Default developer; never above your own role.',
  })
  role?: RoleName | null;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}

@ArgsType()
export class ApiKeysArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false }) includeRevoked?: boolean | null;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Mutation(() => CreateApiKeyPayload)
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: ApiContext) {
    const actor = requireTenant(ctx.principal, 'manage_api_keys');
    const { apiKey, key } = await ctx.services.apiKeys.create(actor, input);
    return { apiKey: toApiKey(apiKey), key };
  }

  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext) {
    const actor = requireTenant(ctx.principal, 'manage_api_keys');
    return toApiKey(await ctx.services.apiKeys.revoke(actor, id));
  }

  @Query(() => ApiKeyConnection)
  async apiKeys(@Args() args: ApiKeysArgs, @Ctx() ctx: ApiContext) {
    const { tenantId } = requireTenant(ctx.principal, 'manage_api_keys');
    return toConnection(
      await ctx.services.apiKeys.list(
        tenantId,
        args.includeRevoked ?? false,
        toPageArgs(args, 'key'),
      ),
      toApiKey,
    );
  }
}
