import { In } from 'typeorm';
import { RequestContext } from '../../context';
import { BusinessError } from '../../graphql/errors';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { priceKeyOf } from './catalog';
import { PriceEntity } from './price.entity';
import { CatalogErrorCode } from './catalog.errors';

export interface PriceKey {
  productType: ProductType;
  billingPeriod: BillingPeriod;
}

/** List prices from the price table (R8): what one unit costs per billing period, VAT excluded. */
export class CatalogService {
  /**
   * The list price (minor units of `currency`) of each key, looked up in one query.
   * @throws BusinessError PRICE_NOT_AVAILABLE when the catalog has no price for a combination.
   */
  async listPrices(ctx: RequestContext, currency: string, keys: readonly PriceKey[]): Promise<Map<string, number>> {
    const types = [...new Set(keys.map((k) => k.productType))];
    const rows = types.length ? await ctx.em.findBy(PriceEntity, { currency, productType: In(types) }) : [];
    const prices = new Map(rows.map((row) => [priceKeyOf(row), row.amount]));
    for (const key of keys) {
      if (!prices.has(priceKeyOf({ ...key, currency }))) {
        throw new BusinessError(
          CatalogErrorCode.PRICE_NOT_AVAILABLE,
          `${key.productType} is not sold ${key.billingPeriod.toLowerCase()} in ${currency}.`,
        );
      }
    }
    return prices;
  }

  /** One list price, minor units; see listPrices. */
  async listPrice(ctx: RequestContext, currency: string, key: PriceKey): Promise<number> {
    return (await this.listPrices(ctx, currency, [key])).get(priceKeyOf({ ...key, currency })) as number;
  }
}
