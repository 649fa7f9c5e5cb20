import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { AffiliateType } from './affiliate.types';

@Resolver(() => OrganizationType)
export class OrganizationAffiliatesFieldsResolver {
  @FieldResolver(() => AffiliateType, {
    nullable: true,
    description:
      'Set when this (individual) organization joined the affiliate program. Needs billing rights (FORBIDDEN otherwise).',
  })
  async affiliate(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<AffiliateType | null> {
    const affiliate = await ctx.services.affiliates.forOrganization(ctx, org.entityId);
    return affiliate && AffiliateType.from(affiliate, ctx.services.affiliates.linkOf(affiliate));
  }
}
