import { Currency } from '../../calc/money';
import { RequestContext } from '../../context';
import { BusinessError } from '../../graphql/errors';
import type { CatalogService } from '../catalog/catalog.service';
import { priceKeyOf } from '../catalog/catalog';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { degressiveRateBp, partnerLinePrice } from '../../calc/partner-pricing';
import { PartnerErrorCode as Code } from './partner.errors';
import type { PartnerService } from './partner.service';

export interface QuoteItem {
  productType: ProductType;
  billingPeriod: BillingPeriod;
  quantity: number;
}

export interface QuoteLine {
  productType: ProductType;
  billingPeriod: BillingPeriod;
  quantity: number;
  listAmount: number;
  degressiveBp: number;
  afterDegressive: number;
  partnerBp: number;
  partnerAmount: number;
}

export interface PriceQuote {
  currency: Currency;
  lines: QuoteLine[];
  listTotal: number;
  partnerTotal: number;
  /** Σ (list − partner price) of the lines: the cashback if the client paid the public price (R30). */
  cashbackIfClientPays: number;
}

export const MAX_QUOTE_ITEMS = 50;
export const MAX_QUOTE_QUANTITY = 1000;

/**
 * priceQuote (R30): the waterfall list → degressive → partner price for a cart, in the partner's
 * currency, at the catalog's list prices and the partner's current tier (0 % while not ACTIVE).
 * Degressive count: the ACTIVE web hostings billed to the partner now (its own, and its
 * FULL_ACCOUNT + PARTNER_PAYS clients') plus every web hosting in the cart, so the cart is priced as
 * if it were ordered at once. Read-only; only the partner's members may ask.
 */
export class PriceQuoteService {
  constructor(
    private readonly partners: PartnerService,
    private readonly catalog: CatalogService,
  ) {}

  async quote(ctx: RequestContext, partnerId: number, items: readonly QuoteItem[]): Promise<PriceQuote> {
    const partner = await this.partners.requireMember(ctx, partnerId);
    checkItems(items);
    const standing = await this.partners.standing(ctx, partner);
    const { currency } = standing;
    const prices = await this.catalog.listPrices(ctx, currency, items);
    const cartHostings = items
      .filter((item) => this.partners.rules.degressiveTypes.includes(item.productType))
      .reduce((sum, item) => sum + item.quantity, 0);
    const count = standing.webHostingsBilled + cartHostings;
    const lines = items.map((item): QuoteLine => {
      const degressiveBp = degressiveRateBp(item.productType, count, this.partners.rules);
      const price = partnerLinePrice({
        unitListAmount: prices.get(priceKeyOf({ ...item, currency })) as number,
        quantity: item.quantity,
        degressiveBp,
        partnerBp: standing.rateBp,
      });
      return { ...item, ...price, degressiveBp, partnerBp: standing.rateBp };
    });
    const listTotal = lines.reduce((sum, line) => sum + line.listAmount, 0);
    const partnerTotal = lines.reduce((sum, line) => sum + line.partnerAmount, 0);
    return { currency, lines, listTotal, partnerTotal, cashbackIfClientPays: listTotal - partnerTotal };
  }
}

function checkItems(items: readonly QuoteItem[]): void {
  if (items.length > MAX_QUOTE_ITEMS)
    throw new BusinessError(Code.TOO_MANY_ITEMS, `A quote takes at most ${MAX_QUOTE_ITEMS} items.`, ['items']);
  items.forEach((item, i) => {
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUOTE_QUANTITY)
      throw new BusinessError(
        Code.INVALID_QUANTITY,
        `quantity must be a whole number from 1 to ${MAX_QUOTE_QUANTITY}.`,
        ['items', String(i), 'quantity'],
      );
  });
}
