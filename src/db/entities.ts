import { UserEntity } from '../modules/accounts/user.entity';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity';
import { AuditEventEntity } from '../modules/audit/audit-event.entity';
import { InvitationEntity } from '../modules/organizations/invitation.entity';
import { MembershipEntity } from '../modules/organizations/membership.entity';
import { OrganizationEntity } from '../modules/organizations/organization.entity';
import { ProductEntity } from '../modules/products/product.entity';
import { TeamEntity, TeamMemberEntity } from '../modules/teams/team.entity';

/** Every entity, in one list, for the data source and the migration generator. */
export const ENTITIES = [
  UserEntity,
  ApiTokenEntity,
  OrganizationEntity,
  MembershipEntity,
  InvitationEntity,
  TeamEntity,
  TeamMemberEntity,
  AuditEventEntity,
  ProductEntity,
];
