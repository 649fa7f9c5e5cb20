import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload, UserError } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { ProductNode } from '../products/product.types';
import { SetAutoRenewInput, SetAutoRenewPayload } from './auto-renew.types';

@Resolver()
export class AutoRenewResolver {
  @Mutation(() => SetAutoRenewPayload)
  async setAutoRenew(@Arg('input') input: SetAutoRenewInput, @Ctx() ctx: GraphQLContext): Promise<SetAutoRenewPayload> {
    const outcome = await payload<{ results?: SetAutoRenewPayload['results'] }>(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const productIds = input.productIds ? decodeIds(input.productIds, 'Product', ['input', 'productIds']) : null;
      const paymentMethodId = input.paymentMethodId
        ? decodeId(input.paymentMethodId, 'PaymentMethod', ['input', 'paymentMethodId'])
        : null;
      const results = await ctx.services.autoRenew.setAutoRenew(
        ctx,
        organizationId,
        productIds,
        input.enabled,
        paymentMethodId,
      );
      return {
        results: results.map((r) => ({
          product: ProductNode.from(r.product),
          autoRenew: r.autoRenew,
          error: r.error ? UserError.from(r.error) : null,
        })),
      };
    });
    return { results: outcome.results ?? [], userErrors: outcome.userErrors };
  }
}
