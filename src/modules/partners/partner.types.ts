import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';

/**
 * The first shapes of the Partner (R28–R34) and Affiliate (R35) programs, as far as the account
 * model refers to them (Organization.partner, .partnerRelationships, .affiliate). The programs
 * themselves — applications, relationships, cashback, exports, commissions — come with their own
 * issues and complete these types; until then no organization is a partner, a client or an affiliate.
 */

export enum PartnerStatus {
  APPLIED = 'APPLIED',
  ACTIVE = 'ACTIVE',
  REJECTED = 'REJECTED',
  SUSPENDED = 'SUSPENDED',
}
export enum PartnerTier {
  PARTNER = 'PARTNER',
  SILVER = 'SILVER',
  GOLD = 'GOLD',
  PLATINUM = 'PLATINUM',
}
export enum RelationshipStatus {
  PENDING_CLIENT_APPROVAL = 'PENDING_CLIENT_APPROVAL',
  PENDING_PARTNER_ACCEPTANCE = 'PENDING_PARTNER_ACCEPTANCE',
  ACTIVE = 'ACTIVE',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  ENDED = 'ENDED',
}
export enum AccessScope {
  FULL_ACCOUNT = 'FULL_ACCOUNT',
  PRODUCTS = 'PRODUCTS',
}
export enum AccessLevel {
  READ = 'READ',
  MANAGE = 'MANAGE',
}
export enum BillingMode {
  CLIENT_PAYS = 'CLIENT_PAYS',
  PARTNER_PAYS = 'PARTNER_PAYS',
}
registerEnumType(PartnerStatus, { name: 'PartnerStatus' });
registerEnumType(PartnerTier, { name: 'PartnerTier' });
registerEnumType(RelationshipStatus, { name: 'RelationshipStatus' });
registerEnumType(AccessScope, { name: 'AccessScope' });
registerEnumType(AccessLevel, { name: 'AccessLevel' });
registerEnumType(BillingMode, { name: 'BillingMode' });

@ObjectType('Partner', { implements: Node })
export class PartnerType extends Node {
  @Field({ description: 'Public code a client uses to authorize this partner.' }) code: string;
  @Field(() => PartnerStatus) status: PartnerStatus;
  @Field(() => PartnerTier, { nullable: true }) tier: PartnerTier | null;
}

@ObjectType('ClientRelationship', { implements: Node })
export class ClientRelationshipType extends Node {
  @Field(() => RelationshipStatus) status: RelationshipStatus;
  @Field(() => AccessScope) scope: AccessScope;
  @Field(() => AccessLevel) level: AccessLevel;
  @Field(() => BillingMode) billingMode: BillingMode;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) endedAt: Date | null;
  @Field(() => String, { nullable: true }) endReason: string | null;
}

@ObjectType('Affiliate', { implements: Node })
export class AffiliateType extends Node {
  @Field() code: string;
  @Field() link: string;
}
