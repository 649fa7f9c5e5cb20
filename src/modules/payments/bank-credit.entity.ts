import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';

export enum BankCreditStatus {
  /** It paid an invoice or credited a top-up. */
  MATCHED = 'MATCHED',
  /** Nothing was paid: waits for staff (refund, reconcile by hand). */
  UNMATCHED = 'UNMATCHED',
  /** An unmatched credit staff have dealt with. */
  RESOLVED = 'RESOLVED',
}

/** Why a credit paid nothing. */
export enum UnmatchedReason {
  NO_REFERENCE = 'NO_REFERENCE',
  UNKNOWN_REFERENCE = 'UNKNOWN_REFERENCE',
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  /** Already paid, voided, refunded, or an order that can no longer be delivered. */
  NOT_PAYABLE = 'NOT_PAYABLE',
  /** One invoice of a transfer announced for several: staff reconcile the payment once all arrived. */
  GROUPED_TRANSFER = 'GROUPED_TRANSFER',
}

/**
 * One credit of a bank's camt.054 notification, kept once per bank reference: importing a file again
 * finds it and changes nothing. Amount in minor units of `currency`.
 */
@Entity('bank_credit')
@Index('uq_bank_credit_ref', ['bankReference'], { unique: true })
@Index('ix_bank_credit_status', ['status', 'id'])
@Index('ix_bank_credit_payment', ['paymentId'])
export class BankCreditEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  /** The bank's own reference of the entry (AcctSvcrRef), unique per account. */
  @Column({ type: 'varchar', length: 100 }) bankReference: string;
  @EnumColumn(BankCreditStatus) status: BankCreditStatus;
  @EnumColumn(UnmatchedReason, { nullable: true }) reason: UnmatchedReason | null;
  /** The structured reference the payer quoted (QR or RF), if any. */
  @Column({ type: 'varchar', length: 35, nullable: true }) paymentReference: string | null;
  @MoneyColumn() amount: number;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** YYYY-MM-DD, as the bank booked it. */
  @Column({ type: 'varchar', length: 10, nullable: true }) bookingDate: string | null;
  @Column({ type: 'varchar', length: 140, nullable: true }) debtorName: string | null;
  @Column({ type: 'varchar', length: 34, nullable: true }) debtorIban: string | null;
  /** Unstructured remittance information (what the payer wrote). */
  @Column({ type: 'varchar', length: 140, nullable: true }) message: string | null;
  @IdColumn({ nullable: true }) organizationId: number | null;
  @IdColumn({ nullable: true }) invoiceId: number | null;
  /** The payment it settled (matched), or that the reference named. */
  @IdColumn({ nullable: true }) paymentId: number | null;
  @DateTimeColumn() importedAt: Date;
  @DateTimeColumn({ nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) resolutionNote: string | null;
}
