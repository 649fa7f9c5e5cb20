import { FieldResolver, Resolver } from 'type-graphql';
import { OrganizationType } from '../organizations/organization.types';
import { PartnerType } from './partner.types';

/**
 * Organization's link to the Partner program. Applications are not built yet (their issue builds
 * them), so every organization answers truthfully: not a partner.
 * (Organization.affiliate lives in modules/affiliates; Organization.partnerRelationships in
 * relationship-fields.resolver.ts.)
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
}
