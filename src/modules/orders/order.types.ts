import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { PaymentInput } from '../billing/payment-input';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { OrderEntity, OrderLineEntity, OrderStatus } from './order.entity';

registerEnumType(OrderStatus, { name: 'OrderStatus' });

@ObjectType('Order', { implements: Node })
export class OrderType extends Node {
  @Field(() => OrderStatus) status: OrderStatus;
  @Field(() => String, { nullable: true }) blockedReason: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When a blocked order is cancelled automatically (blocked + 10 days).',
  })
  autoCancelAt: Date | null;
  @Field(() => Money) total: Money;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When its invoice was paid (a blocked order may be paid: the money is held).',
  })
  paidAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  entityId: number;
  organizationId: number;

  static from(o: OrderEntity): OrderType {
    const { status, blockedReason, autoCancelAt, paidAt, createdAt } = o;
    return Object.assign(new OrderType(), {
      id: toGlobalId('Order', o.id),
      entityId: o.id,
      organizationId: o.organizationId,
      status,
      blockedReason,
      autoCancelAt,
      total: Money.of(o.total, o.currency),
      paidAt,
      createdAt,
    });
  }
}

@ObjectType('OrderLine')
export class OrderLineType {
  @Field(() => ProductType) productType: ProductType;
  @Field() name: string;
  @Field(() => BillingPeriod) billingPeriod: BillingPeriod;
  @Field(() => Money, { description: 'List price for one billing period.' }) price: Money;
  productId: number | null;

  static from(l: OrderLineEntity, currency: string): OrderLineType {
    const { productType, name, billingPeriod, productId } = l;
    return Object.assign(new OrderLineType(), {
      productType,
      name,
      billingPeriod,
      productId,
      price: Money.of(l.listPrice, currency),
    });
  }
}

export const OrderConnection = Connection(OrderType, 'Order');

@InputType('OrderLineInput')
export class OrderLineInput {
  @Field(() => ProductType) productType: ProductType;
  @Field() name: string;
  @Field(() => BillingPeriod) billingPeriod: BillingPeriod;
}

@InputType('PlaceOrderInput')
export class PlaceOrderInput {
  @Field(() => ID) organizationId: string;
  @Field(() => [OrderLineInput]) lines: OrderLineInput[];
}

@InputType('PayOrderInput')
export class PayOrderInput {
  @Field(() => ID) orderId: string;
  @Field(() => PaymentInput) payment: PaymentInput;
}

@InputType('ResendUnblockProcedureInput')
export class ResendUnblockProcedureInput {
  @Field(() => ID) orderId: string;
}

@ObjectType('OrderPayload')
export class OrderPayload {
  @Field(() => OrderType, { nullable: true }) order?: OrderType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
