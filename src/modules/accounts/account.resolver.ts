import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { OrganizationType } from '../organizations/organization.types';
import { LogInInput, LogInPayload, SessionType, SignUpInput, SignUpPayload, UserType } from './account.types';

registerNode('User', (ctx, id) => ctx.services.organizations.findVisibleUser(ctx, id), UserType.from);
registerNode(
  'Session',
  (ctx, id) => ctx.services.sessions.findOwn(ctx, id),
  (token, ctx) => SessionType.from(token, ctx.viewer?.token?.id ?? null),
);

@Resolver(() => UserType)
export class AccountResolver {
  @Query(() => UserType, { nullable: true, description: 'The authenticated user.' })
  viewer(@Ctx() ctx: GraphQLContext): UserType | null {
    return ctx.viewer ? UserType.from(ctx.viewer.user) : null;
  }

  @Mutation(() => SignUpPayload)
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: GraphQLContext): Promise<SignUpPayload> {
    return payload(async () => {
      const { user, organization, token } = await ctx.services.auth.signUp(ctx, input);
      return { user: UserType.from(user), organization: OrganizationType.from(organization), token };
    });
  }

  @Mutation(() => LogInPayload)
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: GraphQLContext): Promise<LogInPayload> {
    return payload(async () => {
      const { user, token } = await ctx.services.auth.logIn(ctx, input, ctx.clientIp ?? null);
      return { user: UserType.from(user), token };
    });
  }

  @Mutation(() => Boolean, { description: 'Ends the login token of this request (or the session named), at once.' })
  async logOut(
    @Arg('sessionId', () => ID, { nullable: true }) sessionId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    await ctx.services.sessions.logOut(ctx, sessionId ? decodeId(sessionId, 'Session', ['sessionId']) : null);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Ends every login token of the viewer, this one included.' })
  async logOutEverywhere(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await ctx.services.sessions.logOutEverywhere(ctx);
    return true;
  }

  @FieldResolver(() => [SessionType], {
    description: "Login tokens still valid, newest first (at most 100). Only the viewer's own; empty for anyone else.",
  })
  async sessions(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<SessionType[]> {
    if (!ctx.viewer || user.entityId !== ctx.viewer.user.id) return [];
    const current = ctx.viewer.token?.id ?? null;
    return (await ctx.services.sessions.list(ctx, user.entityId)).map((t) => SessionType.from(t, current));
  }
}
