import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';

export enum CashbackStatus {
  /** Earned (or, negative, taken back); waits for `availableAt` and the next monthly crediting. */
  PENDING = 'PENDING',
  /** Settled by a monthly payout into the partner's prepaid account. */
  CREDITED = 'CREDITED',
  /** The client was refunded before the cashback was credited: it never will be. */
  CANCELLED = 'CANCELLED',
}

/**
 * Cashback of one invoice line paid by a partner's client (R30): public − partner price, minor units of
 * the partner's currency. A refund after crediting adds a negative entry (`reversesEntryId`) that the
 * next payout deducts. `entryKey` (`line:<invoiceLineId>` or `reversal:<entryId>`) makes accrual and
 * reversal idempotent in the database.
 */
@Entity('cashback_entry')
@Index('uq_cashback_entry_key', ['entryKey'], { unique: true })
@Index('ix_cashback_partner_status', ['partnerId', 'status', 'availableAt'])
@Index('ix_cashback_invoice', ['invoiceId'])
export class CashbackEntryEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @Column({ type: 'varchar', length: 40 }) entryKey: string;
  @IdColumn() partnerId: number;
  @IdColumn() partnerOrganizationId: number;
  @IdColumn() relationshipId: number;
  @IdColumn() clientOrganizationId: number;
  @IdColumn() invoiceId: number;
  @IdColumn() invoiceLineId: number;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** Minor units; negative for a reversal of credited cashback. */
  @MoneyColumn() amount: number;
  @EnumColumn(CashbackStatus) status: CashbackStatus;
  @IdColumn({ nullable: true }) reversesEntryId: number | null;
  /** 30 days after the client's payment; a reversal is due at once. */
  @DateTimeColumn() availableAt: Date;
  @IdColumn({ nullable: true }) payoutId: number | null;
  @DateTimeColumn({ nullable: true }) settledAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}

/**
 * One monthly crediting of a partner's available cashback (R30): at most one per partner and month
 * (`idempotencyKey` `cashback:<partnerId>:<YYYY-MM>`, unique), with the one prepaid ledger entry it posted.
 */
@Entity('cashback_payout')
@Index('uq_cashback_payout_key', ['idempotencyKey'], { unique: true })
@Index('ix_cashback_payout_partner', ['partnerId', 'id'])
export class CashbackPayoutEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @Column({ type: 'varchar', length: 60 }) idempotencyKey: string;
  @IdColumn() partnerId: number;
  @IdColumn() partnerOrganizationId: number;
  /** YYYY-MM of the crediting run. */
  @Column({ type: 'varchar', length: 7 }) period: string;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** Net of the entries settled (credits minus reversals), minor units. */
  @MoneyColumn() amount: number;
  @IdColumn({ nullable: true }) ledgerEntryId: number | null;
  @CreatedAtColumn() createdAt: Date;
}
