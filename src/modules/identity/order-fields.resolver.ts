import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrderType } from '../orders/order.types';
import { IdentityVerificationType } from './identity-verification.types';

/** Order.identityVerification: the latest verification of the order (one query per page of orders). */
@Resolver(() => OrderType)
export class OrderIdentityFieldsResolver {
  @FieldResolver(() => IdentityVerificationType, {
    nullable: true,
    description: 'The verification that unblocks this order (R23), the latest one if there were several.',
  })
  async identityVerification(@Root() order: OrderType, @Ctx() ctx: GraphQLContext) {
    const verification = await ctx.loaders.verificationOfOrder.load(order.entityId);
    return verification ? IdentityVerificationType.from(verification) : null;
  }
}
