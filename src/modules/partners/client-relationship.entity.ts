import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';
import { PartnerEntity } from './partner.entity';

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

/** Statuses in which a relationship holds its pair (and its products) against any other (R31 exclusivity). */
export const OPEN_RELATIONSHIP_STATUSES = [
  RelationshipStatus.PENDING_CLIENT_APPROVAL,
  RelationshipStatus.PENDING_PARTNER_ACCEPTANCE,
  RelationshipStatus.ACTIVE,
] as const;

/** A widening of access asked by the partner, waiting for the client (R31). */
export interface PendingAccessChange {
  scope: AccessScope;
  level: AccessLevel;
  productIds: number[];
  requestedById: number;
  requestedAt: string;
}

/**
 * A partner's relationship with one client organization (R31). `pairKey` is `<partnerId>:<clientId>`
 * while the relationship is pending or active and null afterwards: its unique index lets the database
 * itself refuse a second open relationship for the same pair, whatever the concurrency.
 */
@Entity('client_relationship')
@Index('uq_relationship_open_pair', ['pairKey'], { unique: true })
@Index('ix_relationship_partner', ['partnerId', 'status', 'id'])
@Index('ix_relationship_client', ['clientOrganizationId', 'status'])
@Index('ix_relationship_pending', ['status', 'expiresAt'])
export class ClientRelationshipEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() partnerId: number;
  @ManyToOne(() => PartnerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnerId' })
  partner?: PartnerEntity;

  /** The partner's organization (denormalised from partner for scoping queries by organization). */
  @IdColumn() partnerOrganizationId: number;

  @IdColumn() clientOrganizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clientOrganizationId' })
  client?: OrganizationEntity;

  @EnumColumn(RelationshipStatus) status: RelationshipStatus;
  @EnumColumn(AccessScope) scope: AccessScope;
  @EnumColumn(AccessLevel) level: AccessLevel;
  @EnumColumn(BillingMode) billingMode: BillingMode;
  /** Set while open (pending or active), null once declined, expired or ended. */
  @Column({ type: 'varchar', length: 40, nullable: true }) pairKey: string | null;
  @Column({ type: 'simple-json', nullable: true }) pendingChange: PendingAccessChange | null;

  @IdColumn() requestedById: number;
  /** Pending requests expire at this time (14 days after the request, R31). */
  @DateTimeColumn({ nullable: true }) expiresAt: Date | null;
  @DateTimeColumn({ nullable: true }) respondedAt: Date | null;
  @DateTimeColumn({ nullable: true }) startedAt: Date | null;
  @DateTimeColumn({ nullable: true }) endedAt: Date | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) endReason: string | null;
  @IdColumn({ nullable: true }) endedByOrganizationId: number | null;
  @CreatedAtColumn() createdAt: Date;
}

/**
 * A product a PRODUCTS-scoped relationship covers. `openProductId` is the product id while the
 * relationship is open and null afterwards: its unique index keeps a product delegated to at most one
 * partner (R31).
 */
@Entity('client_relationship_product')
@Index('uq_relationship_product', ['relationshipId', 'productId'], { unique: true })
@Index('uq_relationship_product_open', ['openProductId'], { unique: true })
@Index('ix_relationship_product_product', ['productId'])
export class RelationshipProductEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() relationshipId: number;
  @ManyToOne(() => ClientRelationshipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'relationshipId' })
  relationship?: ClientRelationshipEntity;
  @IdColumn() productId: number;
  @IdColumn({ nullable: true }) openProductId: number | null;
}

/** A partner's limited user assigned to a client (R32). */
@Entity('client_relationship_collaborator')
@Index('uq_relationship_collaborator', ['relationshipId', 'userId'], { unique: true })
@Index('ix_relationship_collaborator_user', ['userId'])
export class RelationshipCollaboratorEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() relationshipId: number;
  @ManyToOne(() => ClientRelationshipEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'relationshipId' })
  relationship?: ClientRelationshipEntity;
  @IdColumn() userId: number;
  @IdColumn() assignedById: number;
  @CreatedAtColumn() createdAt: Date;
}
