import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

/** An (individual) organization in the affiliate program (R35): one row per organization, its public code. */
@Entity('affiliate')
@Index('uq_affiliate_org', ['organizationId'], { unique: true })
@Index('uq_affiliate_code', ['code'], { unique: true })
export class AffiliateEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @OneToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  /** What a new customer types (or the link carries) at sign-up; unique, upper case. */
  @Column({ type: 'varchar', length: 16 }) code: string;
  /** The organization's currency: commissions, tiers and payouts are in it. */
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @IdColumn() joinedById: number;
  @CreatedAtColumn() createdAt: Date;
}
