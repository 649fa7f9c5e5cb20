import { DataSource } from 'typeorm';
import { transaction } from '../../db/transaction';
import { CatalogPrice, DEFAULT_PRICES } from './default-prices';
import { PriceEntity } from './price.entity';

/**
 * Seeds the price table with every default price that has no row yet, after migrations.
 * Idempotent and safe when several instances start at once (INSERT ... IGNORE on the unique
 * key); an existing row is never overwritten, so prices changed in the table stay changed.
 * Returns how many rows it inserted.
 */
export async function ensureCatalog(
  dataSource: DataSource,
  prices: readonly CatalogPrice[] = DEFAULT_PRICES,
): Promise<number> {
  return transaction(dataSource, dataSource.manager, async (em) => {
    const existing = await em.find(PriceEntity, { select: { productType: true, billingPeriod: true, currency: true } });
    const has = new Set(existing.map(priceKeyOf));
    const missing = prices.filter((p) => !has.has(priceKeyOf(p)));
    if (missing.length === 0) return 0;
    await em
      .createQueryBuilder()
      .insert()
      .into(PriceEntity)
      .values(missing.map((p) => ({ ...p })))
      .orIgnore()
      .execute();
    return missing.length;
  });
}

/** The unique key of a price row: type, period and currency. */
export function priceKeyOf(p: { productType: string; billingPeriod: string; currency: string }): string {
  return `${p.productType}/${p.billingPeriod}/${p.currency}`;
}
