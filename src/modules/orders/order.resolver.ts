import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { InvoiceType } from '../billing/invoice.types';
import { toPaymentChoice } from '../billing/payment-input';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import {
  OrderLineType,
  OrderPayload,
  OrderType,
  PayOrderInput,
  PlaceOrderInput,
  ResendUnblockProcedureInput,
} from './order.types';

registerNode('Order', (ctx, id) => ctx.services.orders.findAccessible(ctx, id), OrderType.from);

@Resolver(() => OrderType)
export class OrderResolver {
  @Mutation(() => OrderPayload)
  placeOrder(@Arg('input') input: PlaceOrderInput, @Ctx() ctx: GraphQLContext): Promise<OrderPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      return { order: OrderType.from(await ctx.services.orders.placeOrder(ctx, organizationId, input.lines)) };
    });
  }

  @Mutation(() => OrderPayload)
  payOrder(@Arg('input') input: PayOrderInput, @Ctx() ctx: GraphQLContext): Promise<OrderPayload> {
    return payload(async () => {
      const orderId = decodeId(input.orderId, 'Order', ['input', 'orderId']);
      return {
        order: OrderType.from(await ctx.services.orders.payOrder(ctx, orderId, toPaymentChoice(input.payment))),
      };
    });
  }

  @Mutation(() => OrderPayload)
  resendUnblockProcedure(
    @Arg('input') input: ResendUnblockProcedureInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OrderPayload> {
    return payload(async () => {
      const orderId = decodeId(input.orderId, 'Order', ['input', 'orderId']);
      return { order: OrderType.from(await ctx.services.orders.resendUnblockProcedure(ctx, orderId)) };
    });
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(order.organizationId))!);
  }

  @FieldResolver(() => [OrderLineType])
  async lines(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<OrderLineType[]> {
    return (await ctx.services.orders.linesOf(ctx, order.entityId)).map((line) =>
      OrderLineType.from(line, order.total.currency),
    );
  }

  @FieldResolver(() => InvoiceType, { nullable: true })
  async invoice(@Root() order: OrderType, @Ctx() ctx: GraphQLContext): Promise<InvoiceType | null> {
    const invoice = await ctx.services.invoices.findByOrder(ctx, order.entityId);
    return invoice && (await ctx.services.invoices.canView(ctx, invoice)) ? InvoiceType.from(invoice) : null;
  }
}

@Resolver(() => OrderLineType)
export class OrderLineResolver {
  @FieldResolver(() => ProductNode, { nullable: true, description: 'The product once the order is delivered.' })
  async product(@Root() line: OrderLineType, @Ctx() ctx: GraphQLContext): Promise<ProductNode | null> {
    const product = line.productId ? await ctx.services.products.findAccessible(ctx, line.productId) : null;
    return product ? ProductNode.from(product) : null;
  }
}
