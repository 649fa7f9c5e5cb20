import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { mapNodes } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { DecimalScalar } from '../../graphql/scalars';
import { rateToDecimalString } from '../../calc/rates';
import { CommissionStatus } from './commission.entity';
import { commissionPage, commissionTotals } from './commission.loaders';
import {
  AffiliatePayload,
  AffiliateType,
  CommissionConnection,
  CommissionTotalsType,
  CommissionType,
  JoinAffiliateProgramInput,
} from './affiliate.types';

registerNode(
  'Affiliate',
  (ctx, id) => ctx.services.affiliates.findVisible(ctx, id),
  (row, ctx) => AffiliateType.from(row, ctx.services.affiliates.linkOf(row)),
);
registerNode('Commission', (ctx, id) => ctx.services.commissions.findVisible(ctx, id), CommissionType.from);

@ArgsType()
class CommissionArgs extends PageArgsInput {
  @Field(() => CommissionStatus, { nullable: true }) status?: CommissionStatus | null;
}

/** joinAffiliateProgram and Affiliate's computed fields (R35). */
@Resolver(() => AffiliateType)
export class AffiliateResolver {
  @Mutation(() => AffiliatePayload, {
    description:
      'An INDIVIDUAL organization that is not a partner joins the affiliate program (R29, R35); its legal representative only. Joining again answers the same affiliate.',
  })
  joinAffiliateProgram(
    @Arg('input') input: JoinAffiliateProgramInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AffiliatePayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const affiliate = await ctx.services.affiliates.join(ctx, organizationId);
      return { affiliate: AffiliateType.from(affiliate, ctx.services.affiliates.linkOf(affiliate)) };
    });
  }

  @FieldResolver(() => DecimalScalar, { description: 'Current rate from cumulative earnings (R35).' })
  async rate(@Root() affiliate: AffiliateType, @Ctx() ctx: GraphQLContext): Promise<string> {
    const totals = await commissionTotals(ctx, affiliate.entityId);
    return rateToDecimalString(ctx.services.commissions.rateOf(totals.APPROVED + totals.PAID));
  }

  @FieldResolver(() => Money, { description: 'Approved and paid commissions, refunds after payout deducted.' })
  async cumulativeEarnings(@Root() affiliate: AffiliateType, @Ctx() ctx: GraphQLContext): Promise<Money> {
    const totals = await commissionTotals(ctx, affiliate.entityId);
    return Money.of(totals.APPROVED + totals.PAID, affiliate.currency);
  }

  @FieldResolver(() => CommissionConnection, {
    description: 'Oldest first (keyset on the id), optionally of one status.',
  })
  async commissions(@Root() affiliate: AffiliateType, @Args() args: CommissionArgs, @Ctx() ctx: GraphQLContext) {
    return mapNodes(await commissionPage(ctx, affiliate.entityId, args), CommissionType.from);
  }

  @FieldResolver(() => CommissionTotalsType)
  async totals(@Root() affiliate: AffiliateType, @Ctx() ctx: GraphQLContext): Promise<CommissionTotalsType> {
    return CommissionTotalsType.from(await commissionTotals(ctx, affiliate.entityId), affiliate.currency);
  }
}
