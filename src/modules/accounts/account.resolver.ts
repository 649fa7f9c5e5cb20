import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { registerNode } from '../../graphql/node-registry';
import { OrganizationType } from '../organizations/organization.types';
import { LogInInput, LogInPayload, SignUpInput, SignUpPayload, UserType } from './account.types';

registerNode('User', (ctx, id) => ctx.services.organizations.findVisibleUser(ctx, id), UserType.from);

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
}
