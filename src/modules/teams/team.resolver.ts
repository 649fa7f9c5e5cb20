import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { InvitationType, OrganizationType } from '../organizations/organization.types';
import {
  AddTeamMembersInput,
  CreateTeamInput,
  RemoveTeamMemberInput,
  SetTeamProductsInput,
  TeamConnection,
  TeamPayload,
  TeamType,
} from './team.types';
import { mapNodes } from '../../graphql/connection';

registerNode('Team', (ctx, id) => ctx.services.teams.findVisible(ctx, id), TeamType.from);

const teamIdOf = (id: string) => decodeId(id, 'Team', ['input', 'teamId']);

/** Organization.teams and the team mutations (R7). */
@Resolver(() => OrganizationType)
export class TeamResolver {
  @FieldResolver(() => TeamConnection, {
    description: 'Every team for those who manage teams; otherwise the teams the viewer is in.',
  })
  async teams(@Root() org: OrganizationType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.teams.list(ctx, org.entityId, page);
    return mapNodes(connection, TeamType.from);
  }

  @Mutation(() => TeamPayload)
  createTeam(@Arg('input') input: CreateTeamInput, @Ctx() ctx: GraphQLContext): Promise<TeamPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const team = await ctx.services.teams.create(ctx, organizationId, {
        name: input.name,
        leaderId: input.leaderId ? decodeId(input.leaderId, 'User', ['input', 'leaderId']) : null,
        userIds: decodeIds(input.userIds ?? [], 'User', ['input', 'userIds']),
        productIds: decodeIds(input.productIds ?? [], 'Product', ['input', 'productIds']),
      });
      return { team: TeamType.from(team) };
    });
  }

  @Mutation(() => TeamPayload, {
    description:
      'Members of the organization by userIds; people outside it by emails (existing accounts join as external members, others get a team-only invitation).',
  })
  addTeamMembers(@Arg('input') input: AddTeamMembersInput, @Ctx() ctx: GraphQLContext): Promise<TeamPayload> {
    return payload(async () => {
      const teamId = teamIdOf(input.teamId);
      const userIds = decodeIds(input.userIds ?? [], 'User', ['input', 'userIds']);
      const { team, invitations } = await ctx.services.teams.addMembers(ctx, teamId, { userIds, emails: input.emails });
      const now = ctx.now();
      return { team: TeamType.from(team), invitations: invitations.map((i) => InvitationType.from(i, now)) };
    });
  }

  @Mutation(() => TeamPayload)
  removeTeamMember(@Arg('input') input: RemoveTeamMemberInput, @Ctx() ctx: GraphQLContext): Promise<TeamPayload> {
    return payload(async () => {
      const teamId = teamIdOf(input.teamId);
      const team = await ctx.services.teams.removeMember(
        ctx,
        teamId,
        decodeId(input.userId, 'User', ['input', 'userId']),
      );
      return { team: TeamType.from(team) };
    });
  }

  @Mutation(() => TeamPayload)
  setTeamProducts(@Arg('input') input: SetTeamProductsInput, @Ctx() ctx: GraphQLContext): Promise<TeamPayload> {
    return payload(async () => {
      const teamId = teamIdOf(input.teamId);
      const team = await ctx.services.teams.setProducts(
        ctx,
        teamId,
        decodeIds(input.productIds, 'Product', ['input', 'productIds']),
      );
      return { team: TeamType.from(team) };
    });
  }
}
