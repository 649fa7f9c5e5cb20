/**
 * Rates (discounts, VAT, commissions) as integers in ten-thousandths, called "bp" here:
 * 8.1 % = 810, 25 % = 2500, 100 % = 10000. Four decimals of a fraction cover every rate the
 * business uses (8.1 % VAT, 35 % tiers) without a float anywhere.
 */
import { assertSafeMinor, divRoundHalfUp, toSafeMinor } from './money';

/** 100 % in bp. */
export const FULL_RATE_BP = 10000;

/** Thrown for a rate outside 0..1 or with more than four decimals; `code` is stable. */
export class InvalidRateError extends Error {
  readonly code = 'INVALID_RATE';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidRateError';
  }
}

const RATE_PATTERN = /^(\d+)(?:\.(\d{1,4}))?$/;

/** Asserts that `bp` is an integer rate between 0 and 10000 (0 % to 100 %). */
export function assertRateBp(bp: number): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > FULL_RATE_BP) {
    throw new InvalidRateError(`rate must be an integer between 0 and ${FULL_RATE_BP} bp, got ${bp}`);
  }
}

/**
 * Applies a rate to an amount: `minor × bp / 10000`, rounded half-up away from zero
 * (1.5 → 2, −1.5 → −2). Exact integer arithmetic (BigInt), so no float error can tip a
 * rounding at .5.
 *
 * @param minor amount in minor units (any sign)
 * @param bp rate in ten-thousandths, 0..10000
 * @returns the rounded share in minor units
 */
export function applyRate(minor: number, bp: number): number {
  assertSafeMinor(minor);
  assertRateBp(bp);
  return toSafeMinor(divRoundHalfUp(BigInt(minor) * BigInt(bp), BigInt(FULL_RATE_BP)));
}

/**
 * Writes a rate as the decimal fraction the API shows: 810 → "0.081", 2500 → "0.25",
 * 0 → "0", 10000 → "1". Trailing zeros are trimmed; exact.
 */
export function rateToDecimalString(bp: number): string {
  assertRateBp(bp);
  const whole = Math.floor(bp / FULL_RATE_BP);
  const fraction = String(bp % FULL_RATE_BP)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/**
 * Writes a rate as a percentage number for documents: 810 → "8.1", 2500 → "25", 5 → "0.05".
 * The caller adds the "%" sign in its own typography.
 */
export function rateToPercentString(bp: number): string {
  assertRateBp(bp);
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/**
 * Parses a decimal fraction into bp: "0.081" → 810, "1" → 10000, "0.25" → 2500.
 *
 * @throws InvalidRateError for more than four decimals, a sign, an exponent, or a value
 * above 1.
 */
export function parseRate(s: string): number {
  const match = RATE_PATTERN.exec(s);
  if (!match) {
    throw new InvalidRateError(`"${s}" is not a rate between 0 and 1 with at most 4 decimals`);
  }
  const [, whole, fraction = ''] = match;
  // Checked on the string before conversion: a long run of digits must not reach Number().
  if (whole.replace(/^0+/, '').length > 1) {
    throw new InvalidRateError(`"${s}" is above 1`);
  }
  const bp = Number(whole) * FULL_RATE_BP + Number(fraction.padEnd(4, '0'));
  if (bp > FULL_RATE_BP) {
    throw new InvalidRateError(`"${s}" is above 1`);
  }
  return bp;
}
