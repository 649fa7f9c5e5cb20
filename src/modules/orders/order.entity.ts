import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';
import { BillingPeriod, ProductType } from '../products/product.entity';

export enum OrderStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  BLOCKED = 'BLOCKED',
  PAID = 'PAID',
  CANCELLED = 'CANCELLED',
}

/**
 * An order of new products (R17, R21, R22). Its invoice is issued with it; its products exist once
 * the invoice is paid and the order is not blocked (`completedAt`). The table is `customer_order`
 * because ORDER is an SQL keyword.
 */
@Entity('customer_order')
@Index('ix_order_org', ['organizationId', 'id'])
@Index('ix_order_auto_cancel', ['status', 'autoCancelAt'])
export class OrderEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  /** The login that placed it: the unblocking mail goes to its address (R21). */
  @IdColumn() placedByUserId: number;
  @EnumColumn(OrderStatus) status: OrderStatus;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** Gross total of its invoice, minor units. */
  @MoneyColumn() total: number;
  /** Fraud screening score at placement (fraud-screening.ts). */
  @Column({ type: 'int' }) riskScore: number;
  @Column({ type: 'varchar', length: 500, nullable: true }) blockedReason: string | null;
  /** Blocked + 10 days: cancelled and refunded then unless unblocked (R22). */
  @DateTimeColumn({ nullable: true }) autoCancelAt: Date | null;
  @Column({ type: 'int', default: 0 }) unblockMailCount: number;
  @DateTimeColumn({ nullable: true }) paidAt: Date | null;
  /** When its products were created. */
  @DateTimeColumn({ nullable: true }) completedAt: Date | null;
  @DateTimeColumn({ nullable: true }) cancelledAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}

/** One product ordered: type, name and billing period at the list price of the day (minor units). */
@Entity('order_line')
@Index('ix_order_line_order', ['orderId', 'position'])
export class OrderLineEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() orderId: number;
  @ManyToOne(() => OrderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'orderId' })
  order?: OrderEntity;

  @Column({ type: 'int' }) position: number;
  @EnumColumn(ProductType) productType: ProductType;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @EnumColumn(BillingPeriod) billingPeriod: BillingPeriod;
  @MoneyColumn() listPrice: number;
  @IdColumn({ nullable: true }) productId: number | null;
}
