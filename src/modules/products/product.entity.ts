import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

export enum ProductType {
  WEB_HOSTING = 'WEB_HOSTING',
  DOMAIN = 'DOMAIN',
  MAIL_SERVICE = 'MAIL_SERVICE',
  KDRIVE = 'KDRIVE',
  KCHAT = 'KCHAT',
  KSUITE = 'KSUITE',
  STREAMING = 'STREAMING',
  TICKETING = 'TICKETING',
}

export enum ProductStatus {
  ACTIVE = 'ACTIVE',
  BLOCKED = 'BLOCKED',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}

export enum BillingPeriod {
  MONTHLY = 'MONTHLY',
  YEARLY = 'YEARLY',
}

/** A product owned by an organization (R8). */
@Entity('product')
@Index('ix_product_org', ['organizationId', 'id'])
@Index('ix_product_expiry', ['status', 'expiresAt'])
/** Partner.renewalRisks' failed auto-renewals (`renewalFailures > 0`): a few rows, found without scanning every product. */
@Index('ix_product_renewal_failures', ['renewalFailures'])
export class ProductEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @EnumColumn(ProductType) type: ProductType;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @EnumColumn(ProductStatus) status: ProductStatus;
  @EnumColumn(BillingPeriod) billingPeriod: BillingPeriod;
  /** Price per billing period, minor units of `currency` (the organization's). */
  @MoneyColumn() price: number;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  @DateTimeColumn() expiresAt: Date;
  @Column({ type: 'boolean', default: false }) autoRenew: boolean;
  @IdColumn({ nullable: true }) autoRenewPaymentMethodId: number | null;
  /** Set after a failed renewal charge: when the next attempt is due (null: the first attempt, expiry − 14 days). */
  @DateTimeColumn({ nullable: true }) nextRenewalAttemptAt: Date | null;
  /** Failed renewal charges for the current period (reset by a successful renewal). */
  @Column({ type: 'int', default: 0 }) renewalFailures: number;
  @CreatedAtColumn() createdAt: Date;
}
