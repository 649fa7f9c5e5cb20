import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PaymentCategory, PaymentStatus } from '../payments/payment.entity';
import { PaymentType } from '../payments/payment.types';
import { creditorReferenceFor } from './payment-reference';

/** Fields billing adds to Payment: the reference a top-up by bank transfer must carry. */
@Resolver(() => PaymentType)
export class PaymentBillingFieldsResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For a prepaid top-up by bank transfer waiting for the money: the reference the transfer must carry (QR or RF).',
  })
  paymentReference(@Root() payment: PaymentType, @Ctx() ctx: GraphQLContext): string | null {
    if (payment.category !== PaymentCategory.TOP_UP || payment.status !== PaymentStatus.PENDING) return null;
    return creditorReferenceFor(
      ctx.services.config.billingCreditor,
      'TOP_UP',
      payment.entityId,
      payment.amount.currency,
    );
  }
}
