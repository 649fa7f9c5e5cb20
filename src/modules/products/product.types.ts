import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { firstRenewalAttempt } from '../../calc/renewal-schedule';
import { BillingPeriod, ProductEntity, ProductStatus, ProductType } from './product.entity';

registerEnumType(ProductType, { name: 'ProductType' });
registerEnumType(ProductStatus, { name: 'ProductStatus' });
registerEnumType(BillingPeriod, { name: 'BillingPeriod' });

@ObjectType('Product', { implements: Node })
export class ProductNode extends Node {
  @Field(() => ProductType) type: ProductType;
  @Field() name: string;
  @Field(() => ProductStatus) status: ProductStatus;
  @Field(() => Money) price: Money;
  @Field(() => BillingPeriod) billingPeriod: BillingPeriod;
  @Field(() => DateTimeScalar) expiresAt: Date;
  @Field() autoRenew: boolean;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When auto-renewal will first try to charge (expiresAt - 14 days), if on.',
  })
  nextRenewalAttemptAt: Date | null;
  entityId: number;
  organizationId: number;
  autoRenewPaymentMethodId: number | null;

  static from(p: ProductEntity): ProductNode {
    return Object.assign(new ProductNode(), {
      id: toGlobalId('Product', p.id),
      entityId: p.id,
      organizationId: p.organizationId,
      autoRenewPaymentMethodId: p.autoRenewPaymentMethodId,
      type: p.type,
      name: p.name,
      status: p.status,
      price: Money.of(p.price, p.currency),
      billingPeriod: p.billingPeriod,
      expiresAt: p.expiresAt,
      autoRenew: p.autoRenew,
      nextRenewalAttemptAt: p.autoRenew ? (p.nextRenewalAttemptAt ?? firstRenewalAttempt(p.expiresAt)) : null,
    });
  }
}

export const ProductConnection = Connection(ProductNode, 'Product');

@InputType('ProductFilter')
export class ProductFilter {
  @Field(() => ProductType, { nullable: true }) type?: ProductType | null;
  @Field(() => ProductStatus, { nullable: true }) status?: ProductStatus | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiringBefore?: Date | null;
}
