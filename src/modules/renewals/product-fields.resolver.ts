import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PaymentMethodType } from '../payments/payment.types';
import { ProductNode } from '../products/product.types';

@Resolver(() => ProductNode)
export class ProductRenewalsFieldsResolver {
  @FieldResolver(() => PaymentMethodType, {
    nullable: true,
    description: 'The stored method auto-renewal charges (visible with billing rights).',
  })
  async autoRenewPaymentMethod(
    @Root() product: ProductNode,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PaymentMethodType | null> {
    if (!product.autoRenewPaymentMethodId) return null;
    const method = await ctx.services.paymentMethods.findAccessible(ctx, product.autoRenewPaymentMethodId);
    return method ? PaymentMethodType.from(method) : null;
  }
}
