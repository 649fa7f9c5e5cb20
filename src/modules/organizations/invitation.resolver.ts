import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { InvitationType } from './organization.types';

/** Invitation's own fields beyond the stored ones. */
@Resolver(() => InvitationType)
export class InvitationResolver {
  @FieldResolver(() => String, {
    description:
      'The name of the inviting organization, so that the invitee knows what it is asked to join (batched per request).',
  })
  async organizationName(@Root() invitation: InvitationType, @Ctx() ctx: GraphQLContext): Promise<string> {
    return (await ctx.loaders.organization.load(invitation.organizationId))?.name ?? '';
  }
}
