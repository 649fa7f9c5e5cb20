import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

export enum InvoiceStatus {
  PRO_FORMA = 'PRO_FORMA',
  OPEN = 'OPEN',
  PAID = 'PAID',
  OVERDUE = 'OVERDUE',
  VOID = 'VOID',
  REFUNDED = 'REFUNDED',
}

/** What an invoice bills; `subjectId` says which one. Billing only stores it: the listeners of its events act on it. */
export enum InvoiceSubject {
  /** An order placed by the organization (subjectId = the order's id, also in orderId). */
  ORDER = 'ORDER',
  /** The next period of a product (subjectId = the product's id). */
  RENEWAL = 'RENEWAL',
}

export enum Payer {
  CLIENT = 'CLIENT',
  PARTNER = 'PARTNER',
}

/** An issued invoice (R18, R20). Amounts in minor units of `currency`; totals are sums of its lines. */
@Entity('invoice')
@Index('uq_invoice_number', ['number'], { unique: true })
@Index('ix_invoice_org', ['organizationId', 'id'])
@Index('ix_invoice_billed_to', ['billedToOrganizationId', 'id'])
@Index('ix_invoice_order', ['orderId'])
@Index('ix_invoice_subject', ['subject', 'subjectId'])
@Index('ix_invoice_status_due', ['status', 'dueAt'])
export class InvoiceEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  /** The organization whose products the invoice is for. */
  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  /** Who is billed: the organization itself, or its partner when the partner pays (R31). */
  @IdColumn() billedToOrganizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'billedToOrganizationId' })
  billedTo?: OrganizationEntity;

  @EnumColumn(Payer) payer: Payer;
  /** What it bills, and which one (the order's or the renewed product's id). */
  @EnumColumn(InvoiceSubject) subject: InvoiceSubject;
  @IdColumn() subjectId: number;
  /** The order it bills when `subject` is ORDER (null otherwise). */
  @IdColumn({ nullable: true }) orderId: number | null;
  /** `YYYY-NNNNNN`, gapless per year (invoice-number.ts). */
  @Column({ type: 'varchar', length: 20 }) number: string;
  @EnumColumn(InvoiceStatus) status: InvoiceStatus;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @DateTimeColumn() issuedAt: Date;
  @DateTimeColumn() dueAt: Date;
  @DateTimeColumn({ nullable: true }) paidAt: Date | null;
  @MoneyColumn() subtotal: number;
  @MoneyColumn() vat: number;
  @MoneyColumn() total: number;
  /** Money received so far (prepaid debits and settled charges), minor units. */
  @MoneyColumn() amountPaid: number;
  @CreatedAtColumn() createdAt: Date;
}
