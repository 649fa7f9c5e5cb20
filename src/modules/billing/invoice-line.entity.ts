import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { InvoiceEntity } from './invoice.entity';

/** One priced line of an invoice (R20, R30): list → degressive → partner discount → net, VAT on the net. Minor units. */
@Entity('invoice_line')
@Index('ix_invoice_line_invoice', ['invoiceId', 'position'])
@Index('ix_invoice_line_product', ['productId'])
// Billing exports (R33) read one client's lines in id order (keyset).
@Index('ix_invoice_line_org', ['organizationId', 'id'])
export class InvoiceLineEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() invoiceId: number;
  @ManyToOne(() => InvoiceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invoiceId' })
  invoice?: InvoiceEntity;

  /** Same as the invoice's: exports and scoped queries need no join. */
  @IdColumn() organizationId: number;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 255 }) description: string;
  @EnumColumn(ProductType, { nullable: true }) productType: ProductType | null;
  @EnumColumn(BillingPeriod, { nullable: true }) billingPeriod: BillingPeriod | null;
  /** Set once the product exists (new orders: when paid). */
  @IdColumn({ nullable: true }) productId: number | null;
  @IdColumn({ nullable: true }) orderLineId: number | null;
  @Column({ type: 'int' }) quantity: number;
  @MoneyColumn() listAmount: number;
  @MoneyColumn() degressiveDiscount: number;
  @MoneyColumn() partnerDiscount: number;
  @MoneyColumn() netAmount: number;
  /** VAT rate in bp (810 = 8.1 %). */
  @Column({ type: 'int' }) vatRateBp: number;
  @MoneyColumn() vatAmount: number;
  @MoneyColumn() grossAmount: number;
  /** Service period, YYYY-MM-DD, when known at issue time (renewals); null for new products. */
  @Column({ type: 'varchar', length: 10, nullable: true }) periodStart: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) periodEnd: string | null;
}
