import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { ApiTokenType } from './api-token.types';
import { UserType } from '../accounts/account.types';

/** User.apiTokens: the viewer's own tokens only. */
@Resolver(() => UserType)
export class UserApiTokensFieldsResolver {
  @FieldResolver(() => [ApiTokenType])
  async apiTokens(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<ApiTokenType[]> {
    if (user.entityId !== ctx.viewer?.user.id) return [];
    return (await ctx.services.apiTokens.listForUser(ctx, user.entityId)).map(ApiTokenType.from);
  }
}
