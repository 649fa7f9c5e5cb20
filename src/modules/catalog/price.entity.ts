import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EnumColumn, MoneyColumn } from '../../db/columns';
import { BillingPeriod, ProductType } from '../products/product.entity';

/**
 * A list (public) price of the catalog: one row per product type, billing period and currency
 * (R8, R20). Data, not code: seeded from default-prices.ts, changed in the table afterwards.
 */
@Entity('price')
@Index('uq_price_type_period_currency', ['productType', 'billingPeriod', 'currency'], { unique: true })
export class PriceEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @EnumColumn(ProductType) productType: ProductType;
  @EnumColumn(BillingPeriod) billingPeriod: BillingPeriod;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** Price of one unit for one billing period, minor units of `currency`, VAT excluded. */
  @MoneyColumn() amount: number;
}
