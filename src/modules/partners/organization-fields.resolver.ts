import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { PartnerType } from './partner.types';

/**
 * Organization's link to the Partner program: `partner` is this organization's own partner row (any
 * status), visible to whoever sees the organization. (Organization.affiliate lives in modules/affiliates;
 * Organization.partnerRelationships in relationship-fields.resolver.ts.)
 */
@Resolver(() => OrganizationType)
export class OrganizationPartnersFieldsResolver {
  @FieldResolver(() => PartnerType, {
    nullable: true,
    description: 'Set when this organization is (or applied to be) a partner.',
  })
  async partner(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<PartnerType | null> {
    const partner = await ctx.services.partners.partnerOfOrganization(ctx, org.entityId);
    return partner ? PartnerType.from(partner) : null;
  }
}
