import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import {
  AddPaymentMethodInput,
  PaymentMethodPayload,
  PaymentMethodType,
  PaymentType,
  ReconcileBankTransferInput,
  ReconcileBankTransferPayload,
} from './payment.types';

registerNode('PaymentMethod', (ctx, id) => ctx.services.paymentMethods.findAccessible(ctx, id), PaymentMethodType.from);

registerNode('Payment', (ctx, id) => ctx.services.payments.findAccessible(ctx, id), PaymentType.from);

@Resolver()
export class PaymentResolver {
  @Mutation(() => PaymentMethodPayload)
  addPaymentMethod(
    @Arg('input') input: AddPaymentMethodInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PaymentMethodPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const method = await ctx.services.paymentMethods.add(ctx, organizationId, input.kind, input.gatewayToken);
      return { paymentMethod: PaymentMethodType.from(method) };
    });
  }

  @Mutation(() => ReconcileBankTransferPayload, {
    description: 'Platform admins: the IBAN transfer of a pending payment arrived (R15, R16).',
  })
  reconcileBankTransfer(
    @Arg('input') input: ReconcileBankTransferInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReconcileBankTransferPayload> {
    return payload(async () => {
      const { payment, changed } = await ctx.services.payments.reconcile(
        ctx,
        decodeId(input.paymentId, 'Payment', ['input', 'paymentId']),
      );
      return { payment: PaymentType.from(payment), changed };
    });
  }
}
