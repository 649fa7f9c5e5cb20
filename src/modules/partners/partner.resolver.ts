import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { rateToDecimalString } from '../../calc/rates';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNode } from '../../graphql/node-registry';
import { DecimalScalar } from '../../graphql/scalars';
import { OrganizationType } from '../organizations/organization.types';
import {
  ApplyForPartnerProgramInput,
  PartnerPayload,
  ReviewPartnerApplicationInput,
} from './partner-application.types';
import { PartnerStanding } from './partner.service';
import { PartnerTier, PartnerType } from './partner.types';
import { PriceQuoteItemInput, PriceQuoteType } from './price-quote.types';

registerNode('Partner', (ctx, id) => ctx.services.partners.findVisible(ctx, id), PartnerType.from);

const standingOf = (partner: PartnerType, ctx: GraphQLContext): Promise<PartnerStanding> =>
  ctx.services.partners.standing(ctx, partner);

/**
 * The partner's business figures (tier, rate, volumes): members of its organization and platform
 * administrators only. A client reaching the Partner through ClientRelationship.partner (or anyone
 * through the public directory) sees its identity, not its figures: FORBIDDEN on each field, also
 * on the nullable ones, where null already means "below the threshold" or "at the top".
 */
const figuresOf = async (partner: PartnerType, ctx: GraphQLContext): Promise<PartnerStanding> => {
  await ctx.services.partners.requireFiguresViewer(ctx, partner.organizationId);
  return standingOf(partner, ctx);
};

/** Applications and review (R28, R29), partner(id), priceQuote (R30), and the Partner's own figures. */
@Resolver(() => PartnerType)
export class PartnerResolver {
  @Mutation(() => PartnerPayload, {
    description:
      "A company's legal representative applies; every unmet condition comes back in userErrors, each on its field.",
  })
  applyForPartnerProgram(@Arg('input') input: ApplyForPartnerProgramInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const partner = await ctx.services.partners.apply(ctx, {
        organizationId: decodeId(input.organizationId, 'Organization', ['input', 'organizationId']),
        companyRegistrationId: input.companyRegistrationId,
        website: input.website,
        acceptResellerTerms: input.acceptResellerTerms,
      });
      return { partner: PartnerType.from(partner) };
    });
  }

  @Mutation(() => PartnerPayload, { description: 'Platform administrators approve or reject (with a reason).' })
  reviewPartnerApplication(@Arg('input') input: ReviewPartnerApplicationInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      const partner = await ctx.services.partners.review(ctx, partnerId, input.approve, input.reason);
      return { partner: PartnerType.from(partner) };
    });
  }

  @Query(() => PartnerType, {
    nullable: true,
    description: "Members of the partner's organization and platform administrators; null for anyone else.",
  })
  async partner(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<PartnerType | null> {
    const parsed = parseGlobalId(id);
    if (!parsed || parsed.type !== 'Partner') return null;
    const partner = await ctx.services.partners.findVisible(ctx, parsed.id);
    return partner ? PartnerType.from(partner) : null;
  }

  @Query(() => PriceQuoteType, {
    description:
      'Dry-run pricing for a partner (R30): the waterfall list -> degressive -> partner price, and the cashback.',
  })
  async priceQuote(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('items', () => [PriceQuoteItemInput]) items: PriceQuoteItemInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<PriceQuoteType> {
    const id = decodeId(partnerId, 'Partner', ['partnerId']);
    return PriceQuoteType.from(await ctx.services.priceQuotes.quote(ctx, id, items));
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(partner.organizationId))!);
  }

  @FieldResolver(() => PartnerTier, { nullable: true })
  async tier(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<PartnerTier | null> {
    return (await figuresOf(partner, ctx)).tier;
  }

  @FieldResolver(() => DecimalScalar, {
    description: 'Discount (partner pays) or cashback (client pays) rate of the tier, e.g. "0.25".',
  })
  async rate(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<string> {
    return rateToDecimalString((await figuresOf(partner, ctx)).rateBp);
  }

  @FieldResolver(() => Money, {
    description:
      "Eligibility meter (R28): yearly price of the ACTIVE products it manages (its own and its ACTIVE clients'), in its currency.",
  })
  async managedYearlyVolume(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<Money> {
    const standing = await figuresOf(partner, ctx);
    return Money.of(standing.managedYearlyVolume, standing.currency);
  }

  @FieldResolver(() => Money, { description: 'The program threshold: CHF 2000 / EUR 1800 a year.' })
  async eligibilityThreshold(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<Money> {
    const standing = await standingOf(partner, ctx);
    return Money.of(standing.eligibilityThreshold, standing.currency);
  }

  @FieldResolver(() => PartnerTier, { nullable: true, description: 'The tier above the volume; null at the top.' })
  async nextTier(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<PartnerTier | null> {
    return (await figuresOf(partner, ctx)).nextTier;
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Volume missing to reach nextTier.' })
  async volumeToNextTier(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<Money | null> {
    const standing = await figuresOf(partner, ctx);
    return standing.volumeToNextTier === null ? null : Money.of(standing.volumeToNextTier, standing.currency);
  }
}
