import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { ProductType } from '../products/product.entity';
import { AffiliateEntity } from './affiliate.entity';

export enum CommissionStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  PAID = 'PAID',
  REJECTED = 'REJECTED',
}

export enum CommissionKind {
  /** Earned on a paid invoice line. */
  EARNED = 'EARNED',
  /** A refund after payout (R35): minus the paid commission, deducted from the next payout. */
  REVERSAL = 'REVERSAL',
}

/** One commission of an affiliate on one invoice line of a referred customer (R35). Minor units of `currency`. */
@Entity('affiliate_commission')
@Index('uq_commission_line_kind', ['invoiceLineId', 'kind'], { unique: true })
@Index('ix_commission_affiliate', ['affiliateId', 'id'])
@Index('ix_commission_affiliate_status', ['affiliateId', 'status', 'id'])
@Index('ix_commission_status_available', ['status', 'availableAt'])
@Index('ix_commission_invoice', ['invoiceId'])
export class CommissionEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() affiliateId: number;
  @ManyToOne(() => AffiliateEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'affiliateId' })
  affiliate?: AffiliateEntity;

  @EnumColumn(CommissionKind) kind: CommissionKind;
  /** The referred customer organization, and the label the affiliate sees for it. */
  @IdColumn() customerOrganizationId: number;
  @IdColumn() customerNumber: number;
  @IdColumn() invoiceId: number;
  @IdColumn() invoiceLineId: number;
  @EnumColumn(ProductType) productType: ProductType;
  /** The line's net amount (excluding VAT) in the invoice's currency. */
  @MoneyColumn() baseAmount: number;
  @Column({ type: 'varchar', length: 3 }) baseCurrency: string;
  @Column({ type: 'int' }) rateBp: number;
  /** Signed: a REVERSAL is negative. In the affiliate's currency. */
  @MoneyColumn() amount: number;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @EnumColumn(CommissionStatus) status: CommissionStatus;
  @CreatedAtColumn() createdAt: Date;
  /** When a PENDING commission becomes APPROVED unless refunded before. */
  @DateTimeColumn() availableAt: Date;
  @DateTimeColumn({ nullable: true }) paidAt: Date | null;
  @IdColumn({ nullable: true }) payoutId: number | null;
}
