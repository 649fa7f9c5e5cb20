import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { AccessLevel, AccessScope, BillingMode, RelationshipStatus } from './client-relationship.entity';
import { PartnerEntity, PartnerStatus, PartnerTier } from './partner.entity';

/** GraphQL shapes of the Partner program (R28–R34); the stored rows are in partner.entity.ts and client-relationship.entity.ts. */
export { AccessLevel, AccessScope, BillingMode, PartnerStatus, PartnerTier, RelationshipStatus };

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
  @Field(() => PartnerTier, {
    nullable: true,
    description: 'The tier its managed yearly volume reaches (R30); null below the threshold or while not ACTIVE.',
  })
  tier: PartnerTier | null;
  entityId: number;
  organizationId: number;

  /** `tier` and the figures are field resolvers (partner-fields.resolver.ts): live, from the managed products. */
  static from(partner: PartnerEntity): PartnerType {
    return Object.assign(new PartnerType(), {
      id: toGlobalId('Partner', partner.id),
      entityId: partner.id,
      organizationId: partner.organizationId,
      code: partner.code,
      status: partner.status,
    });
  }
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
