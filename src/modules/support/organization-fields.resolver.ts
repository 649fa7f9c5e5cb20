import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { SupportAccessGrantType } from './support-access.types';

/** Organization.supportAccessGrants (R25). */
@Resolver(() => OrganizationType)
export class OrganizationSupportFieldsResolver {
  @FieldResolver(() => [SupportAccessGrantType], {
    description: 'Active grants (all with includeClosed) for those who may grant support access; empty for others.',
  })
  async supportAccessGrants(
    @Root() org: OrganizationType,
    @Arg('includeClosed', () => Boolean, { nullable: true, defaultValue: false }) includeClosed: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SupportAccessGrantType[]> {
    const now = ctx.now();
    return (await ctx.services.supportAccess.list(ctx, org.entityId, includeClosed ?? false)).map((g) =>
      SupportAccessGrantType.from(g, now),
    );
  }
}
