import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { MembershipConnection, MembershipType } from './organization.types';
import { UserType } from '../accounts/account.types';
import { mapNodes } from '../../graphql/connection';

/** User.memberships: the organizations a user belongs to. */
@Resolver(() => UserType)
export class UserOrganizationsFieldsResolver {
  @FieldResolver(() => MembershipConnection)
  async memberships(@Root() user: UserType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.organizations.membershipsOfUser(ctx, user.entityId, page);
    return mapNodes(connection, MembershipType.from);
  }
}
