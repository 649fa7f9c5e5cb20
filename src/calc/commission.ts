/**
 * Affiliate commissions (DESIGN R35): the rate from the affiliate's cumulative earnings, and the
 * commission of one invoice line. Amounts in minor units; rates in bp (rates.ts).
 */
import { assertSafeMinor, divRoundHalfUp, toSafeMinor } from './money';
import { assertRateBp, FULL_RATE_BP } from './rates';

/** One step of the rate table: from `fromMinor` cumulative earnings (inclusive) on, `rateBp`. */
export interface CommissionTier {
  fromMinor: number;
  rateBp: number;
}

/** A conversion rate in millionths (1_000_000 = parity). */
export const PARITY_PPM = 1_000_000;

/**
 * The rate of the highest tier whose threshold `cumulativeMinor` reaches. `tiers` sorted by
 * `fromMinor` ascending, the first from 0. Negative earnings (refunds after payout) get the first tier.
 * @throws RangeError when the table is empty, unsorted or does not start at 0
 */
export function commissionRateBp(cumulativeMinor: number, tiers: readonly CommissionTier[]): number {
  assertSafeMinor(cumulativeMinor, 'cumulative earnings');
  if (tiers.length === 0 || tiers[0].fromMinor !== 0) throw new RangeError('The tier table must start at 0.');
  let rate = tiers[0].rateBp;
  for (let i = 0; i < tiers.length; i += 1) {
    if (i > 0 && tiers[i].fromMinor <= tiers[i - 1].fromMinor) throw new RangeError('Tiers must be sorted.');
    assertRateBp(tiers[i].rateBp);
    if (cumulativeMinor >= tiers[i].fromMinor) rate = tiers[i].rateBp;
  }
  return rate;
}

/**
 * The commission of one invoice line: `baseMinor × rateBp / 10000`, converted to the affiliate's
 * currency at `conversionPpm` (millionths; parity when both are the same currency), rounded once,
 * half-up to 0.01 (R20). Exact (BigInt).
 * @param baseMinor the line's net amount (excluding VAT) in the invoice's currency
 */
export function commissionAmount(baseMinor: number, rateBp: number, conversionPpm = PARITY_PPM): number {
  assertSafeMinor(baseMinor, 'base amount');
  assertRateBp(rateBp);
  if (!Number.isSafeInteger(conversionPpm) || conversionPpm <= 0)
    throw new RangeError(`conversion rate must be a positive integer of millionths, got ${conversionPpm}`);
  const numerator = BigInt(baseMinor) * BigInt(rateBp) * BigInt(conversionPpm);
  return toSafeMinor(divRoundHalfUp(numerator, BigInt(FULL_RATE_BP) * BigInt(PARITY_PPM)), 'commission');
}
