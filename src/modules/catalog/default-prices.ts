import { Currency } from '../../calc/money';
import { BillingPeriod, ProductType } from '../products/product.entity';

/** One list price of the seed catalog, minor units, VAT excluded. */
export interface CatalogPrice {
  productType: ProductType;
  billingPeriod: BillingPeriod;
  currency: Currency;
  amount: number;
}

/**
 * Per product type: [monthly CHF, yearly CHF, monthly EUR, yearly EUR] in minor units. Yearly
 * billing costs about ten months; domains are really sold per year, the monthly price exists
 * so every combination can be ordered.
 */
const TABLE: Record<ProductType, [number, number, number, number]> = {
  [ProductType.WEB_HOSTING]: [990, 9900, 950, 9500],
  [ProductType.DOMAIN]: [150, 1300, 140, 1200],
  [ProductType.MAIL_SERVICE]: [190, 1900, 180, 1800],
  [ProductType.KDRIVE]: [499, 4990, 499, 4990],
  [ProductType.KCHAT]: [200, 2000, 200, 2000],
  [ProductType.KSUITE]: [590, 5900, 550, 5500],
  [ProductType.STREAMING]: [1900, 19000, 1800, 18000],
  [ProductType.TICKETING]: [1500, 15000, 1400, 14000],
};

/** The catalog `ensureCatalog` seeds: every ProductType × MONTHLY/YEARLY × CHF/EUR. */
export const DEFAULT_PRICES: readonly CatalogPrice[] = Object.entries(TABLE).flatMap(
  ([type, [chfM, chfY, eurM, eurY]]) => {
    const productType = type as ProductType;
    return [
      { productType, billingPeriod: BillingPeriod.MONTHLY, currency: 'CHF' as const, amount: chfM },
      { productType, billingPeriod: BillingPeriod.YEARLY, currency: 'CHF' as const, amount: chfY },
      { productType, billingPeriod: BillingPeriod.MONTHLY, currency: 'EUR' as const, amount: eurM },
      { productType, billingPeriod: BillingPeriod.YEARLY, currency: 'EUR' as const, amount: eurY },
    ];
  },
);

/** How a product type reads on an invoice line. */
export const PRODUCT_LABELS: Record<ProductType, string> = {
  [ProductType.WEB_HOSTING]: 'Web hosting',
  [ProductType.DOMAIN]: 'Domain name',
  [ProductType.MAIL_SERVICE]: 'Mail service',
  [ProductType.KDRIVE]: 'kDrive',
  [ProductType.KCHAT]: 'kChat',
  [ProductType.KSUITE]: 'kSuite',
  [ProductType.STREAMING]: 'Streaming',
  [ProductType.TICKETING]: 'Ticketing',
};
