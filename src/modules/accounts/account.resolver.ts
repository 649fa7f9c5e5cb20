import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { currentRequest } from '../../common/request-scope';
import { RequestContext } from '../../context';
import { payload } from '../../graphql/errors';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { ApiTokenType } from '../api-tokens/api-token.types';
import { MembershipConnection, MembershipType } from '../organizations/organization.types';
import { OrganizationType } from '../organizations/organization.types';
import { LogInInput, LogInPayload, SignUpInput, SignUpPayload, UserType } from './account.types';
import { mapNodes } from '../../graphql/connection';

registerNode('User', (ctx, id) => ctx.services.organizations.findVisibleUser(ctx, id), UserType.from);

registerNode(
  'ApiToken',
  async (ctx, id) =>
    ctx.viewer ? (await ctx.services.apiTokens.listForUser(ctx, ctx.viewer.user.id)).find((t) => t.id === id) : null,
  ApiTokenType.from,
);

@Resolver(() => UserType)
export class AccountResolver {
  @Query(() => UserType, { nullable: true, description: 'The authenticated user.' })
  viewer(@Ctx() ctx: RequestContext): UserType | null {
    return ctx.viewer ? UserType.from(ctx.viewer.user) : null;
  }

  @Mutation(() => SignUpPayload)
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: RequestContext): Promise<SignUpPayload> {
    return payload(async () => {
      const { user, organization, token } = await ctx.services.auth.signUp(ctx, input);
      return { user: UserType.from(user), organization: OrganizationType.from(organization), token };
    });
  }

  @Mutation(() => LogInPayload)
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: RequestContext): Promise<LogInPayload> {
    return payload(async () => {
      const { user, token } = await ctx.services.auth.logIn(ctx, input, currentRequest()?.clientIp ?? null);
      return { user: UserType.from(user), token };
    });
  }

  @FieldResolver(() => MembershipConnection)
  async memberships(@Root() user: UserType, @Args() page: PageArgsInput, @Ctx() ctx: RequestContext) {
    const connection = await ctx.services.organizations.membershipsOfUser(ctx, user.entityId, page);
    return mapNodes(connection, MembershipType.from);
  }

  @FieldResolver(() => [ApiTokenType])
  async apiTokens(@Root() user: UserType, @Ctx() ctx: RequestContext): Promise<ApiTokenType[]> {
    if (user.entityId !== ctx.viewer?.user.id) return [];
    return (await ctx.services.apiTokens.listForUser(ctx, user.entityId)).map(ApiTokenType.from);
  }
}
