import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { InvitationType } from '../organizations/organization.types';
import { TeamType } from './team.types';

/** Invitation.team: set for a team-only invitation (an external team member). */
@Resolver(() => InvitationType)
export class InvitationTeamsFieldsResolver {
  @FieldResolver(() => TeamType, {
    nullable: true,
    description: 'Set for a team-only invitation: the person joins this team only, with no membership.',
  })
  async team(@Root() invitation: InvitationType, @Ctx() ctx: GraphQLContext): Promise<TeamType | null> {
    const team = invitation.teamId ? await ctx.services.teams.findVisible(ctx, invitation.teamId) : null;
    return team ? TeamType.from(team) : null;
  }
}
