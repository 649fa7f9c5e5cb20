import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { AffiliateType, ClientRelationshipType, PartnerType } from './partner.types';

/**
 * Organization's links to the Partner and Affiliate programs. `partner` is this organization's own
 * partner row (any status), visible to whoever sees the organization.
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

  @FieldResolver(() => [ClientRelationshipType], {
    description: 'Relationships in which this organization is the client.',
  })
  partnerRelationships(): ClientRelationshipType[] {
    return [];
  }

  @FieldResolver(() => AffiliateType, {
    nullable: true,
    description: 'Set when this (individual) organization joined the affiliate program.',
  })
  affiliate(): AffiliateType | null {
    return null;
  }
}
