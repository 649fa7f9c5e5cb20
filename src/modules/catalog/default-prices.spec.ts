import { BillingPeriod, ProductType } from '../products/product.entity';
import { priceKeyOf } from './catalog';
import { DEFAULT_PRICES, PRODUCT_LABELS } from './default-prices';

describe('default catalog', () => {
  const keys = DEFAULT_PRICES.map(priceKeyOf);

  it.each(
    Object.values(ProductType).flatMap((type) =>
      Object.values(BillingPeriod).flatMap((period) => ['CHF', 'EUR'].map((currency) => [type, period, currency])),
    ),
  )('has a price for %s %s %s', (productType, billingPeriod, currency) => {
    expect(keys).toContain(priceKeyOf({ productType: productType, billingPeriod: billingPeriod, currency }));
  });

  it('has each combination once, with positive integer amounts', () => {
    expect(new Set(keys).size).toBe(keys.length);
    for (const price of DEFAULT_PRICES) expect(Number.isSafeInteger(price.amount) && price.amount > 0).toBe(true);
  });

  it('charges less for a year than for twelve months', () => {
    for (const yearly of DEFAULT_PRICES.filter((p) => p.billingPeriod === BillingPeriod.YEARLY)) {
      const monthly = DEFAULT_PRICES.find(
        (p) =>
          p.billingPeriod === BillingPeriod.MONTHLY &&
          p.productType === yearly.productType &&
          p.currency === yearly.currency,
      )!;
      expect(yearly.amount).toBeLessThan(monthly.amount * 12);
    }
  });

  it('labels every product type', () => {
    for (const type of Object.values(ProductType)) expect(PRODUCT_LABELS[type]).toBeTruthy();
  });
});
