import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DEFAULT_RENEWAL_CONFIG } from '../../calc/renewal-schedule';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { CurrencyCode } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { InvitationEntity, InvitationStatus } from './invitation.entity';
import { MemberRole, MembershipEntity } from './membership.entity';
import { OrganizationEntity, OrganizationKind } from './organization.entity';

registerEnumType(OrganizationKind, { name: 'OrganizationKind' });
registerEnumType(MemberRole, { name: 'MemberRole' });
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType('Organization', { implements: Node })
export class OrganizationType extends Node {
  @Field() name: string;
  @Field(() => OrganizationKind) kind: OrganizationKind;
  @Field(() => CurrencyCode) currency: CurrencyCode;
  @Field(() => String, { nullable: true }) website: string | null;
  @Field(() => String, { nullable: true }) companyRegistrationId: string | null;
  @Field() country: string;
  @Field(() => [String], { nullable: true, description: 'Postal address, one line per entry (printed on invoices).' })
  address: string[] | null;
  @Field(() => [Int], {
    description: 'Billing-message setting (R14): expiry notices are sent this many days before a product expires.',
  })
  expiryNoticeDays: number[];
  entityId: number;

  static from(org: OrganizationEntity): OrganizationType {
    const { name, kind, website, companyRegistrationId, country, address } = org;
    const expiryNoticeDays = org.expiryNoticeDays ?? DEFAULT_RENEWAL_CONFIG.expiryNoticeDays;
    return Object.assign(new OrganizationType(), {
      id: toGlobalId('Organization', org.id),
      entityId: org.id,
      name,
      kind,
      currency: org.currency as CurrencyCode,
      website,
      companyRegistrationId,
      country,
      address,
      expiryNoticeDays,
    });
  }
}

@ObjectType('OrganizationPermissions')
export class OrganizationPermissions {
  @Field() editDetails: boolean;
  @Field() manageMembers: boolean;
  @Field() manageTeams: boolean;
  @Field() viewBilling: boolean;
  @Field() pay: boolean;
  @Field() manageApiAccess: boolean;
  @Field() grantSupportAccess: boolean;
}

@ObjectType('ContactPreferences')
export class ContactPreferences {
  @Field() billing: boolean;
  @Field() technical: boolean;
  @Field() administrative: boolean;
}

@InputType('ContactPreferencesInput')
export class ContactPreferencesInput {
  @Field() billing: boolean;
  @Field() technical: boolean;
  @Field() administrative: boolean;
}

@ObjectType('Membership', { implements: Node })
export class MembershipType extends Node {
  @Field(() => MemberRole) role: MemberRole;
  @Field() billingAccess: boolean;
  @Field(() => ContactPreferences) contactPreferences: ContactPreferences;
  entityId: number;
  userId: number;
  organizationId: number;
  productIds: number[];

  static from(m: MembershipEntity): MembershipType {
    return Object.assign(new MembershipType(), {
      id: toGlobalId('Membership', m.id),
      entityId: m.id,
      userId: m.userId,
      organizationId: m.organizationId,
      productIds: m.productIds,
      role: m.role,
      billingAccess: m.role === MemberRole.LEGAL_REPRESENTATIVE || m.billingAccess,
      contactPreferences: {
        billing: m.notifyBilling,
        technical: m.notifyTechnical,
        administrative: m.notifyAdministrative,
      },
    });
  }
}

export const MembershipConnection = Connection(MembershipType, 'Membership');

@ObjectType('Invitation', { implements: Node })
export class InvitationType extends Node {
  @Field() email: string;
  @Field(() => MemberRole) role: MemberRole;
  @Field(() => InvitationStatus) status: InvitationStatus;
  @Field(() => DateTimeScalar) expiresAt: Date;
  organizationId: number;
  /** Set for a team-only invitation. */
  teamId: number | null;

  static from(i: InvitationEntity, now: Date): InvitationType {
    const expired = i.status === InvitationStatus.PENDING && i.expiresAt.getTime() <= now.getTime();
    return Object.assign(new InvitationType(), {
      id: toGlobalId('Invitation', i.id),
      organizationId: i.organizationId,
      teamId: i.teamId,
      email: i.email,
      role: i.role,
      status: expired ? InvitationStatus.EXPIRED : i.status,
      expiresAt: i.expiresAt,
    });
  }
}

@InputType('UpdateOrganizationInput')
export class UpdateOrganizationInput {
  @Field(() => ID) organizationId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) website?: string | null;
  @Field(() => String, { nullable: true }) companyRegistrationId?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => [String], { nullable: true }) address?: string[] | null;
  @Field(() => [Int], {
    nullable: true,
    description: 'Expiry notice days (R14); an empty list restores the default 30 and 7.',
  })
  expiryNoticeDays?: number[] | null;
}

@ObjectType('OrganizationPayload')
export class OrganizationPayload {
  @Field(() => OrganizationType, { nullable: true }) organization?: OrganizationType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
