import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

/** How a customer pays (R15). PREPAID is the prepaid account itself, never a stored method. */
export enum PaymentMethodKind {
  CARD = 'CARD',
  POSTFINANCE_CARD = 'POSTFINANCE_CARD',
  IBAN_TRANSFER = 'IBAN_TRANSFER',
  PAYPAL = 'PAYPAL',
  TWINT = 'TWINT',
  PREPAID = 'PREPAID',
}

export enum CardBrand {
  VISA = 'VISA',
  MASTERCARD = 'MASTERCARD',
  CB = 'CB',
}

/** A stored payment method: only what the gateway tells us is safe to keep (never a card number). */
@Entity('payment_method')
@Index('ix_payment_method_org', ['organizationId', 'id'])
export class PaymentMethodEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @EnumColumn(PaymentMethodKind) kind: PaymentMethodKind;
  @EnumColumn(CardBrand, { nullable: true }) brand: CardBrand | null;
  @Column({ type: 'varchar', length: 4, nullable: true }) last4: string | null;
  /** Last valid day, YYYY-MM-DD; null for methods that do not expire. */
  @Column({ type: 'varchar', length: 10, nullable: true }) expiresOn: string | null;
  /** The gateway's opaque reference to charge. */
  @Column({ type: 'varchar', length: 100 }) gatewayRef: string;
  /** Cards and Twint (R9). */
  @Column({ type: 'boolean' }) supportsAutoRenewal: boolean;
  @CreatedAtColumn() createdAt: Date;
  @DateTimeColumn({ nullable: true }) removedAt: Date | null;
}
