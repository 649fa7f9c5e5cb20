import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateScalar, DateTimeScalar } from '../../graphql/scalars';
import { CardBrand, PaymentMethodEntity, PaymentMethodKind } from './payment-method.entity';
import { PaymentCategory, PaymentEntity, PaymentStatus } from './payment.entity';

registerEnumType(PaymentMethodKind, { name: 'PaymentMethodKind' });
registerEnumType(CardBrand, { name: 'CardBrand' });
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });

@ObjectType('PaymentMethod', { implements: Node })
export class PaymentMethodType extends Node {
  @Field(() => PaymentMethodKind) kind: PaymentMethodKind;
  @Field(() => CardBrand, { nullable: true }) brand: CardBrand | null;
  @Field(() => String, { nullable: true }) last4: string | null;
  @Field(() => DateScalar, { nullable: true }) expiresOn: string | null;
  @Field({ description: 'True for cards and Twint (R9).' }) supportsAutoRenewal: boolean;
  entityId: number;
  organizationId: number;

  static from(m: PaymentMethodEntity): PaymentMethodType {
    const { kind, brand, last4, expiresOn, supportsAutoRenewal } = m;
    return Object.assign(new PaymentMethodType(), {
      id: toGlobalId('PaymentMethod', m.id),
      entityId: m.id,
      organizationId: m.organizationId,
      kind,
      brand,
      last4,
      expiresOn,
      supportsAutoRenewal,
    });
  }
}

@ObjectType('Payment', {
  implements: Node,
  description: 'One payment operation: the prepaid part and the method part under one idempotency key.',
})
export class PaymentType extends Node {
  @Field(() => PaymentStatus) status: PaymentStatus;
  @Field(() => Money) amount: Money;
  @Field(() => Money) prepaidAmount: Money;
  @Field(() => Money) methodAmount: Money;
  @Field(() => Money) refundedAmount: Money;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the money arrived (a bank transfer: when reconciled).',
  })
  settledAt: Date | null;
  entityId: number;
  organizationId: number;
  category: PaymentCategory;

  static from(p: PaymentEntity): PaymentType {
    const money = (minor: number) => Money.of(minor, p.currency);
    return Object.assign(new PaymentType(), {
      id: toGlobalId('Payment', p.id),
      entityId: p.id,
      organizationId: p.organizationId,
      category: p.category,
      status: p.status,
      amount: money(p.amount),
      prepaidAmount: money(p.prepaidAmount),
      methodAmount: money(p.methodAmount),
      refundedAmount: money(p.refundedAmount),
      createdAt: p.createdAt,
      settledAt: p.settledAt,
    });
  }
}

@InputType('AddPaymentMethodInput')
export class AddPaymentMethodInput {
  @Field(() => ID) organizationId: string;
  @Field(() => PaymentMethodKind) kind: PaymentMethodKind;
  @Field({ description: 'Token from the payment gateway.' }) gatewayToken: string;
}

@ObjectType('PaymentMethodPayload')
export class PaymentMethodPayload {
  @Field(() => PaymentMethodType, { nullable: true }) paymentMethod?: PaymentMethodType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('ReconcileBankTransferInput')
export class ReconcileBankTransferInput {
  @Field(() => ID) paymentId: string;
}

@ObjectType('ReconcileBankTransferPayload')
export class ReconcileBankTransferPayload {
  @Field(() => PaymentType, { nullable: true }) payment?: PaymentType | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'False when the transfer was already reconciled (nothing changed).',
  })
  changed?: boolean | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
