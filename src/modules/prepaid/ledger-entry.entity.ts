import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

export enum LedgerEntryKind {
  TOP_UP = 'TOP_UP',
  PAYMENT = 'PAYMENT',
  REFUND = 'REFUND',
  CASHBACK = 'CASHBACK',
  /** A payout of affiliate commissions (R35). */
  COMMISSION = 'COMMISSION',
  ADJUSTMENT = 'ADJUSTMENT',
}

/** One movement of a prepaid balance: signed amount (credit > 0, debit < 0) and the balance after it. */
@Entity('ledger_entry')
@Index('ix_ledger_entry_org', ['organizationId', 'id'])
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @EnumColumn(LedgerEntryKind) kind: LedgerEntryKind;
  @MoneyColumn() amount: number;
  @MoneyColumn() balanceAfter: number;
  @Column({ type: 'varchar', length: 255, nullable: true }) reference: string | null;
  @IdColumn({ nullable: true }) paymentId: number | null;
  @CreatedAtColumn() createdAt: Date;
}
