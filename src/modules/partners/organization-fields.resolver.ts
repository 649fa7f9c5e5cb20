import { FieldResolver, Resolver } from 'type-graphql';
import { OrganizationType } from '../organizations/organization.types';
import { AffiliateType, PartnerType } from './partner.types';

/**
 * Organization's links to the Partner and Affiliate programs. Neither program exists yet (their
 * issues build them), so every organization answers truthfully: not a partner, not an affiliate.
 * (Organization.partnerRelationships: relationship-fields.resolver.ts.)
 */
@Resolver(() => OrganizationType)
export class OrganizationPartnersFieldsResolver {
  @FieldResolver(() => PartnerType, {
    nullable: true,
    description: 'Set when this organization is (or applied to be) a partner.',
  })
  partner(): PartnerType | null {
    return null;
  }

  @FieldResolver(() => AffiliateType, {
    nullable: true,
    description: 'Set when this (individual) organization joined the affiliate program.',
  })
  affiliate(): AffiliateType | null {
    return null;
  }
}
