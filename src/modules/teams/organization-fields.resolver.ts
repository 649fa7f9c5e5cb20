import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { TeamConnection, TeamType } from './team.types';
import { mapNodes } from '../../graphql/connection';

/** Organization.teams (R7). */
@Resolver(() => OrganizationType)
export class OrganizationTeamsFieldsResolver {
  @FieldResolver(() => TeamConnection, {
    description: 'Every team for those who manage teams; otherwise the teams the viewer is in.',
  })
  async teams(@Root() org: OrganizationType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.teams.list(ctx, org.entityId, page);
    return mapNodes(connection, TeamType.from);
  }
}
