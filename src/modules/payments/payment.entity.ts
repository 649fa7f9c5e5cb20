import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

export enum PaymentStatus {
  SUCCEEDED = 'SUCCEEDED',
  /** An IBAN transfer not reconciled yet. */
  PENDING = 'PENDING',
  FAILED = 'FAILED',
  REFUNDED = 'REFUNDED',
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
}

/** What a payment is for: a charge (invoices, orders, renewals) or money into the prepaid account. */
export enum PaymentCategory {
  CHARGE = 'CHARGE',
  TOP_UP = 'TOP_UP',
}

/**
 * One payment operation (R17, R19): the prepaid part and the method part of one collection, under
 * an idempotency key that is unique per organization. Amounts in minor units of `currency`.
 */
@Entity('payment')
@Index('uq_payment_org_key', ['organizationId', 'idempotencyKey'], { unique: true })
@Index('ix_payment_org', ['organizationId', 'id'])
export class PaymentEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 100 }) idempotencyKey: string;
  /** SHA-256 (hex) of the caller's canonical request description: same key + other request = reuse. */
  @Column({ type: 'varchar', length: 64 }) fingerprint: string;
  @EnumColumn(PaymentCategory) category: PaymentCategory;
  @EnumColumn(PaymentStatus) status: PaymentStatus;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @MoneyColumn() amount: number;
  @MoneyColumn() prepaidAmount: number;
  @MoneyColumn() methodAmount: number;
  @IdColumn({ nullable: true }) paymentMethodId: number | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) gatewayTransactionId: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) failureReason: string | null;
  /** Refunded so far, both parts together (the method part is refunded first). */
  @MoneyColumn() refundedAmount: number;
  /** Human reference, e.g. "Invoice 2026-000123"; also the ledger entry's reference. */
  @Column({ type: 'varchar', length: 255 }) purpose: string;
  @Column({ type: 'boolean' }) recurring: boolean;
  @CreatedAtColumn() createdAt: Date;
  @DateTimeColumn({ nullable: true }) settledAt: Date | null;
}
