import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { AffiliateEntity } from './affiliate.entity';

/**
 * One monthly payout of approved commissions into the affiliate's prepaid account (R35). At most one
 * per affiliate and month (the unique key makes a second instance's attempt fail, not pay twice).
 */
@Entity('affiliate_payout')
@Index('uq_payout_period', ['affiliateId', 'period'], { unique: true })
export class AffiliatePayoutEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() affiliateId: number;
  @ManyToOne(() => AffiliateEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'affiliateId' })
  affiliate?: AffiliateEntity;

  /** UTC month, `YYYY-MM`. */
  @Column({ type: 'varchar', length: 7 }) period: string;
  @MoneyColumn() amount: number;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @IdColumn({ nullable: true }) ledgerEntryId: number | null;
  @CreatedAtColumn() createdAt: Date;
}
