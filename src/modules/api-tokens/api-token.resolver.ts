import { registerNode } from '../../graphql/node-registry';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import {
  ApiTokenType,
  CreateApiTokenInput,
  CreateApiTokenPayload,
  RevokeApiTokenInput,
  RevokeApiTokenPayload,
} from './api-token.types';

registerNode(
  'ApiToken',
  async (ctx, id) =>
    ctx.viewer ? (await ctx.services.apiTokens.listForUser(ctx, ctx.viewer.user.id)).find((t) => t.id === id) : null,
  ApiTokenType.from,
);

@Resolver()
export class ApiTokenResolver {
  @Mutation(() => CreateApiTokenPayload)
  createApiToken(@Arg('input') input: CreateApiTokenInput, @Ctx() ctx: GraphQLContext): Promise<CreateApiTokenPayload> {
    return payload(async () => {
      const { secret, apiToken } = await ctx.services.apiTokens.create(ctx, input);
      return { secret, apiToken: ApiTokenType.from(apiToken) };
    });
  }

  @Mutation(() => RevokeApiTokenPayload)
  revokeApiToken(@Arg('input') input: RevokeApiTokenInput, @Ctx() ctx: GraphQLContext): Promise<RevokeApiTokenPayload> {
    return payload(async () => {
      const { apiToken } = await ctx.services.apiTokens.revoke(ctx, decodeId(input.id, 'ApiToken', ['input', 'id']));
      return { apiToken: ApiTokenType.from(apiToken) };
    });
  }
}
