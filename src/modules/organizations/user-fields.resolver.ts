import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { InvitationType, MembershipConnection, MembershipType } from './organization.types';
import { UserType } from '../accounts/account.types';
import { mapNodes } from '../../graphql/connection';

/** User.memberships: the organizations a user belongs to; User.invitations: the viewer's pending invitations. */
@Resolver(() => UserType)
export class UserOrganizationsFieldsResolver {
  @FieldResolver(() => MembershipConnection)
  async memberships(@Root() user: UserType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.organizations.membershipsOfUser(ctx, user.entityId, page);
    return mapNodes(connection, MembershipType.from);
  }

  @FieldResolver(() => [InvitationType], {
    description:
      "Pending invitations addressed to this user's email, to accept or decline (R5). Only the viewer's own; empty for anyone else.",
  })
  async invitations(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<InvitationType[]> {
    const viewer = ctx.viewer?.user;
    if (!viewer || user.entityId !== viewer.id) return [];
    return (await ctx.services.invitations.listForUser(ctx, viewer)).map((i) => InvitationType.from(i, ctx.now()));
  }
}
