import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context';
import { OrderType } from '../orders/order.types';
import { IdentityVerificationType } from './identity-verification.types';

/** Order.identityVerification: the latest verification of the order (one query per page of orders). */
@Resolver(() => OrderType)
export class OrderIdentityVerificationResolver {
  @FieldResolver(() => IdentityVerificationType, {
    nullable: true,
    description: 'The verification that unblocks this order (R23), the latest one if there were several.',
  })
  async identityVerification(@Root() order: OrderType, @Ctx() ctx: RequestContext) {
    const verification = await ctx.loaders.verificationOfOrder.load(order.entityId);
    return verification ? IdentityVerificationType.from(verification) : null;
  }
}
