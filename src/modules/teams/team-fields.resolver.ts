import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserType } from '../accounts/account.types';
import { InvitationType, OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import { TeamType } from './team.types';

/** Fields of a Team the viewer already reached (Organization.teams, node, a payload). */
@Resolver(() => TeamType)
export class TeamFieldsResolver {
  @FieldResolver(() => UserType, { nullable: true })
  async leader(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const user = team.leaderId ? await ctx.loaders.user.load(team.leaderId) : null;
    return user ? UserType.from(user) : null;
  }

  @FieldResolver(() => [UserType], {
    description: 'Members of the organization and external members, in the order they joined.',
  })
  async members(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<UserType[]> {
    const users = await Promise.all(
      (await ctx.services.teams.memberIds(ctx, team.entityId)).map((id) => ctx.loaders.user.load(id)),
    );
    return users.filter((u) => u !== null).map(UserType.from);
  }

  @FieldResolver(() => [ProductNode], { description: 'Products granted to the team (those the viewer reaches).' })
  async products(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<ProductNode[]> {
    return (await ctx.services.products.loadAccessible(ctx, team.productIds)).map(ProductNode.from);
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(team.organizationId))!);
  }
}

/** Invitation.team: set for a team-only invitation (an external team member). */
@Resolver(() => InvitationType)
export class InvitationTeamResolver {
  @FieldResolver(() => TeamType, {
    nullable: true,
    description: 'Set for a team-only invitation: the person joins this team only, with no membership.',
  })
  async team(@Root() invitation: InvitationType, @Ctx() ctx: GraphQLContext): Promise<TeamType | null> {
    const team = invitation.teamId ? await ctx.services.teams.findVisible(ctx, invitation.teamId) : null;
    return team ? TeamType.from(team) : null;
  }
}
