import { FieldResolver, Resolver } from 'type-graphql';
import { OrganizationType } from '../organizations/organization.types';
import { ClientRelationshipType, PartnerType } from './partner.types';

/**
 * Organization's links to the Partner program. The program does not exist yet (its issue builds
 * it), so every organization answers truthfully: not a partner, no partner relationships.
 * (Organization.affiliate lives in modules/affiliates.)
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

  @FieldResolver(() => [ClientRelationshipType], {
    description: 'Relationships in which this organization is the client.',
  })
  partnerRelationships(): ClientRelationshipType[] {
    return [];
  }
}
