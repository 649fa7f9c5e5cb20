import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

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

/**
 * An organization's standing in the partner program (R28): one row per organization, created by its
 * application and moved by staff review. The public `code` is what a client types to authorize it.
 */
@Entity('partner')
@Index('uq_partner_org', ['organizationId'], { unique: true })
@Index('uq_partner_code', ['code'], { unique: true })
export class PartnerEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @OneToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  /** Public partner code; unique. */
  @Column({ type: 'varchar', length: 16 }) code: string;
  @EnumColumn(PartnerStatus) status: PartnerStatus;
  /** As given in the application (canonical form). */
  @Column({ type: 'varchar', length: 40 }) companyRegistrationId: string;
  @Column({ type: 'varchar', length: 255 }) website: string;
  @IdColumn() appliedById: number;
  @DateTimeColumn() appliedAt: Date;
  @IdColumn({ nullable: true }) reviewedById: number | null;
  @DateTimeColumn({ nullable: true }) reviewedAt: Date | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) reviewReason: string | null;
  @CreatedAtColumn() createdAt: Date;
}
