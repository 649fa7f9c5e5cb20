import { Ctx, FieldResolver, Resolver, Root, Arg, Mutation } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserType } from '../accounts/account.types';
import { InvitationType, OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import {
  TeamType,
  AddTeamMembersInput,
  CreateTeamInput,
  RemoveTeamMemberInput,
  SetTeamProductsInput,
  TeamPayload,
} from './team.types';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';

registerNode('Team', (ctx, id) => ctx.services.teams.findVisible(ctx, id), TeamType.from);

const teamIdOf = (id: string) => decodeId(id, 'Team', ['input', 'teamId']);

/** The team mutations (R7) and the fields of a Team the viewer already reached (Organization.teams, node, a payload). */
@Resolver(() => TeamType)
export class TeamResolver {
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
      'Members of the organization by userIds or emails join at once; anyone outside it (with an account or not) gets a team-only invitation to accept.',
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
