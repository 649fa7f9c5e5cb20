import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { mapNodes } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { ForbiddenError } from '../../graphql/errors';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { PageArgsInput } from '../../graphql/page-args';
import { hasPermission } from '../access/permissions';
import { OrderType } from '../orders/order.types';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import { PartnerEntity } from './partner.entity';
import { CashbackSummaryType } from './partner-billing.types';
import { PartnerType } from './partner.types';
import { RenewalRiskConnection, RenewalRiskType } from './renewal-risks.types';

const partnerIdOf = (partner: PartnerType) => parseGlobalId(partner.id)?.id as number;

/** Partner's billing fields (R30): its cashback and the renewal risks of its portfolio. */
@Resolver(() => PartnerType)
export class PartnerBillingFieldsResolver {
  @FieldResolver(() => CashbackSummaryType, {
    description: "Cashback by state, in the partner's currency (billing rights in the partner organization).",
  })
  async cashback(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<CashbackSummaryType> {
    const row = await this.partnerRow(partner, ctx);
    if (!hasPermission(await ctx.access.forOrganization(row.organizationId), 'viewBilling')) throw new ForbiddenError();
    const [totals, organization] = await Promise.all([
      ctx.services.cashback.summaryOf(ctx, row.id),
      ctx.loaders.organization.load(row.organizationId),
    ]);
    const currency = organization?.currency ?? 'CHF';
    return Object.assign(new CashbackSummaryType(), {
      pending: Money.of(totals.pending, currency),
      available: Money.of(totals.available, currency),
      credited: Money.of(totals.credited, currency),
      reversed: Money.of(totals.reversed, currency),
    });
  }

  @FieldResolver(() => RenewalRiskConnection, {
    description:
      'Managed products that need attention: inside the 14-day window without auto-renewal, failed charges, blocked orders near auto-cancel, overdue invoices; ordered by dueAt.',
  })
  async renewalRisks(@Root() partner: PartnerType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const row = await this.partnerRow(partner, ctx);
    return mapNodes(await ctx.services.renewalRisks.list(ctx, row, page), RenewalRiskType.from);
  }

  private async partnerRow(partner: PartnerType, ctx: GraphQLContext): Promise<PartnerEntity> {
    return ctx.services.cashback.partnerOrThrow(ctx, partnerIdOf(partner));
  }
}

/**
 * RenewalRisk's links. The service listed only what the viewer reaches as partner (R32), so the rows
 * are loaded as they are, without asking the client organization's own access rules again; the
 * page's own statement primed the loaders with them (RenewalRisksService.page), so they cost nothing.
 */
@Resolver(() => RenewalRiskType)
export class RenewalRiskResolver {
  @FieldResolver(() => OrganizationType)
  async client(@Root() risk: RenewalRiskType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(risk.clientOrganizationId))!);
  }

  @FieldResolver(() => ProductNode, { nullable: true })
  async product(@Root() risk: RenewalRiskType, @Ctx() ctx: GraphQLContext): Promise<ProductNode | null> {
    const product = risk.productId ? await ctx.loaders.product.load(risk.productId) : null;
    return product ? ProductNode.from(product) : null;
  }

  @FieldResolver(() => OrderType, { nullable: true })
  async order(@Root() risk: RenewalRiskType, @Ctx() ctx: GraphQLContext): Promise<OrderType | null> {
    const order = risk.orderId ? await ctx.loaders.order.load(risk.orderId) : null;
    return order ? OrderType.from(order) : null;
  }
}
