import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { PaymentType } from '../payments/payment.types';
import {
  LedgerEntryConnection,
  LedgerEntryType,
  PrepaidAccountType,
  TopUpPayload,
  TopUpPrepaidAccountInput,
} from './prepaid.types';
import { mapNodes } from '../../graphql/connection';

registerNode(
  'LedgerEntry',
  async (ctx, id) => {
    const entry = await ctx.services.prepaid.findAccessibleEntry(ctx, id);
    const organization = entry && (await ctx.loaders.organization.load(entry.organizationId));
    return entry && organization ? { entry, currency: organization.currency } : null;
  },
  ({ entry, currency }) => LedgerEntryType.from(entry, currency),
);

@Resolver()
export class TopUpResolver {
  @Mutation(() => TopUpPayload)
  topUpPrepaidAccount(
    @Arg('input') input: TopUpPrepaidAccountInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TopUpPayload> {
    return payload(async () => {
      const { account, payment } = await ctx.services.prepaid.topUp(ctx, {
        organizationId: decodeId(input.organizationId, 'Organization', ['input', 'organizationId']),
        amount: input.amount.amount,
        currency: input.amount.currency,
        paymentMethodId: decodeId(input.paymentMethodId, 'PaymentMethod', ['input', 'paymentMethodId']),
        idempotencyKey: input.idempotencyKey,
      });
      return { prepaidAccount: PrepaidAccountType.from(account), payment: PaymentType.from(payment) };
    });
  }
}

@Resolver(() => PrepaidAccountType)
export class PrepaidAccountResolver {
  @FieldResolver(() => LedgerEntryConnection, { description: 'Oldest first (keyset on the entry id).' })
  async entries(@Root() account: PrepaidAccountType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.prepaid.entries(ctx, account.organizationId, page);
    return mapNodes(connection, (node) => LedgerEntryType.from(node, account.currency));
  }
}
