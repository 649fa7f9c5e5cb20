import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { InvoiceEntity } from './invoice.entity';

export enum InvoicePaymentStatus {
  /** Prepaid part taken, bank transfer not yet reconciled (R15). */
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  REFUNDED = 'REFUNDED',
}

/**
 * The share of one payment (payments module) that went to one invoice. A replayed request finds
 * its invoices here by idempotency key, and a refund knows what to give back. Minor units.
 */
@Entity('invoice_payment')
@Index('ix_invoice_payment_key', ['organizationId', 'idempotencyKey'])
@Index('ix_invoice_payment_payment', ['paymentId'])
@Index('ix_invoice_payment_invoice', ['invoiceId'])
export class InvoicePaymentEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() organizationId: number;

  @IdColumn() invoiceId: number;
  @ManyToOne(() => InvoiceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invoiceId' })
  invoice?: InvoiceEntity;

  @IdColumn() paymentId: number;
  @Column({ type: 'varchar', length: 100 }) idempotencyKey: string;
  /** The request the key was first used for (see payment fingerprint). */
  @Column({ type: 'varchar', length: 255 }) fingerprint: string;
  @EnumColumn(InvoicePaymentStatus) status: InvoicePaymentStatus;
  @MoneyColumn() prepaidAmount: number;
  @MoneyColumn() methodAmount: number;
  @IdColumn({ nullable: true }) paymentMethodId: number | null;
  /** The method supports auto-renewal (R9): the order's products switch it on when completed (R10). */
  @Column({ type: 'boolean' }) methodSupportsAutoRenewal: boolean;
  @CreatedAtColumn() createdAt: Date;
}
