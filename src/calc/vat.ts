/**
 * VAT rate by the customer's country (DESIGN R20). The table is configuration; this is
 * only the lookup.
 */
import { assertRateBp } from './rates';

/**
 * Default VAT table in bp: Switzerland and Liechtenstein 8.1 %. Every other country is
 * absent and falls back to 0 (reverse charge: the recipient accounts for the VAT).
 */
export const DEFAULT_VAT_BP: Readonly<Record<string, number>> = Object.freeze({ CH: 810, LI: 810 });

const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/**
 * VAT rate in bp for an ISO 3166-1 alpha-2 country code ("CH", "de" and " li " are accepted;
 * case and surrounding spaces do not matter).
 *
 * @param country customer's country code
 * @param table upper-case country code → rate in bp, usually from configuration
 * @param fallbackBp rate for a country the table does not list (0 = reverse charge)
 * @throws RangeError for a code that is not two letters, or a rate outside 0..10000 bp
 */
export function vatRateFor(
  country: string,
  table: Readonly<Record<string, number>> = DEFAULT_VAT_BP,
  fallbackBp = 0,
): number {
  const code = country.trim().toUpperCase();
  if (!COUNTRY_PATTERN.test(code)) {
    throw new RangeError(`"${country}" is not an ISO 3166-1 alpha-2 country code`);
  }
  const bp = Object.hasOwn(table, code) ? table[code] : fallbackBp;
  assertRateBp(bp);
  return bp;
}
