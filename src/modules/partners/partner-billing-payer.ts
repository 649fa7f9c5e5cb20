import { RequestContext } from '../../context';
import { Payer } from '../billing/invoice.entity';
import type { PayerDecision, PayerLine, PayerResolver } from '../billing/payer-resolver';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductType } from '../products/product.entity';
import { AccessScope, BillingMode, ClientRelationshipEntity, RelationshipStatus } from './client-relationship.entity';
import { PartnerEntity, PartnerStatus } from './partner.entity';
import { loadManagedFigures } from './partner.loaders';
import {
  DEFAULT_PARTNER_RULES,
  degressiveRateBp,
  PartnerProgramRules,
  tierForVolume,
} from '../../calc/partner-pricing';

/** A partner that pays for a client: who it is and the rates it buys at now (R30). */
export interface PayingPartner {
  relationship: ClientRelationshipEntity;
  partner: PartnerEntity;
  partnerOrganization: OrganizationEntity;
}

/**
 * The partner program's answer to billing's "who pays this new invoice?" (R30, R31): the partner
 * organization when the client has an ACTIVE FULL_ACCOUNT relationship in PARTNER_PAYS with an ACTIVE
 * partner of the same currency, at the partner price (degressive tariff by the web hostings billed to
 * the partner, including the invoice's new ones, then the tier rate of its managed volume, per line);
 * the client itself, at the public price, otherwise.
 */
export class PartnerPayerResolver implements PayerResolver {
  constructor(private readonly rules: PartnerProgramRules = DEFAULT_PARTNER_RULES) {}

  async resolve(
    ctx: RequestContext,
    invoice: { organizationId: number; currency: string; lines: readonly PayerLine[] },
  ): Promise<PayerDecision> {
    const paying = await this.payingPartnerOf(ctx, invoice.organizationId);
    if (!paying || paying.partnerOrganization.currency !== invoice.currency) {
      return { payer: Payer.CLIENT, billedToOrganizationId: invoice.organizationId, lineRates: null };
    }
    const figures = (await loadManagedFigures(ctx.em, [paying.partnerOrganization.id])).get(
      paying.partnerOrganization.id,
    ) ?? { volume: 0, webHostingsBilled: 0 };
    const currency = paying.partnerOrganization.currency as 'CHF' | 'EUR';
    const partnerBp = tierForVolume(figures.volume, currency, this.rules)?.rateBp ?? 0;
    const newHostings = invoice.lines.filter((l) => l.productType === ProductType.WEB_HOSTING && !l.productId).length;
    const count = figures.webHostingsBilled + newHostings;
    return {
      payer: Payer.PARTNER,
      billedToOrganizationId: paying.partnerOrganization.id,
      lineRates: invoice.lines.map((line) => ({
        degressiveBp: line.productType ? degressiveRateBp(line.productType, count, this.rules) : 0,
        partnerBp,
      })),
    };
  }

  /** The ACTIVE partner paying for `clientOrganizationId` now (FULL_ACCOUNT + PARTNER_PAYS, R31), if any. */
  async payingPartnerOf(ctx: RequestContext, clientOrganizationId: number): Promise<PayingPartner | null> {
    const relationship = await ctx.em.findOneBy(ClientRelationshipEntity, {
      clientOrganizationId,
      status: RelationshipStatus.ACTIVE,
      scope: AccessScope.FULL_ACCOUNT,
      billingMode: BillingMode.PARTNER_PAYS,
    });
    if (!relationship) return null;
    const partner = await ctx.em.findOneBy(PartnerEntity, { id: relationship.partnerId, status: PartnerStatus.ACTIVE });
    if (!partner) return null;
    const partnerOrganization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: partner.organizationId });
    return { relationship, partner, partnerOrganization };
  }
}
