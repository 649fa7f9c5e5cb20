import { Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';
import { AffiliateEntity } from './affiliate.entity';

/**
 * A customer organization that signed up with an affiliate's code (R35): its invoices paid until
 * `expiresAt` (sign-up + the window) earn the affiliate commissions. One affiliate per customer.
 */
@Entity('affiliate_referral')
@Index('uq_referral_org', ['organizationId'], { unique: true })
@Index('ix_referral_affiliate', ['affiliateId', 'customerNumber'])
export class AffiliateReferralEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() affiliateId: number;
  @ManyToOne(() => AffiliateEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'affiliateId' })
  affiliate?: AffiliateEntity;

  /** The referred customer. */
  @IdColumn() organizationId: number;
  @OneToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @IdColumn() userId: number;
  /** What the affiliate sees instead of the customer ("Customer #482193"): random, stable, never the id. */
  @IdColumn() customerNumber: number;
  @CreatedAtColumn() createdAt: Date;
  @DateTimeColumn() expiresAt: Date;
}
