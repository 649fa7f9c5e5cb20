/**
 * Money as an integer number of minor units (centimes for CHF, cents for EUR).
 *
 * Amounts never travel as floats: the API speaks decimal strings, storage and logic speak
 * integers (DESIGN R20). This module converts between the two and holds the one shared
 * rounding primitive, so every rounding in `calc/` is the same half-up rule.
 */

export type Currency = 'CHF' | 'EUR';

/** Number of minor units in one major unit, for both supported currencies. */
export const MINOR_PER_MAJOR = 100;

/** Thrown for an amount that is not a valid money value; `code` is stable for API errors. */
export class InvalidAmountError extends Error {
  readonly code = 'INVALID_AMOUNT';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidAmountError';
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Asserts that `n` is a safe integer (an amount in minor units that arithmetic keeps exact).
 *
 * @throws InvalidAmountError for floats, NaN, infinities and integers beyond ±2^53−1.
 */
export function assertSafeMinor(n: number, what = 'amount'): void {
  if (!Number.isSafeInteger(n)) {
    throw new InvalidAmountError(`${what} must be a safe integer of minor units, got ${n}`);
  }
}

/**
 * Parses a decimal string in major units into minor units: "12" → 1200, "12.5" → 1250,
 * "-0.10" → −10. Exact (no float on the way); nothing is rounded.
 *
 * Accepted: an optional leading "-", at least one digit, then optionally "." and one or two
 * digits. Rejected with InvalidAmountError: empty strings, whitespace, "+", a bare "." or
 * trailing ".", exponents ("1e3"), more than two decimals, and results beyond
 * Number.MAX_SAFE_INTEGER minor units.
 */
export function parseDecimal(s: string): number {
  const match = DECIMAL_PATTERN.exec(s);
  if (!match) {
    throw new InvalidAmountError(`"${s}" is not a decimal amount with at most 2 decimals`);
  }
  const [, sign, whole, fraction = ''] = match;
  const magnitude = BigInt(whole) * BigInt(MINOR_PER_MAJOR) + BigInt(fraction.padEnd(2, '0'));
  if (magnitude > MAX_SAFE) {
    throw new InvalidAmountError(`"${s}" is too large`);
  }
  // BigInt has no negative zero, so "-0.00" comes back as a plain 0.
  return Number(sign === '-' ? -magnitude : magnitude);
}

/**
 * Formats minor units as a decimal string with exactly two decimals and no grouping:
 * 123450 → "1234.50", −5 → "-0.05", 0 → "0.00".
 *
 * @throws InvalidAmountError when `minor` is not a safe integer.
 */
export function formatDecimal(minor: number): string {
  assertSafeMinor(minor);
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / MINOR_PER_MAJOR);
  const fraction = String(abs % MINOR_PER_MAJOR).padStart(2, '0');
  return `${minor < 0 ? '-' : ''}${whole}.${fraction}`;
}

/**
 * Integer division rounded half-up, symmetric around zero (2.5 → 3, −2.5 → −3).
 * `divisor` must be positive. Used by every rounding step in `calc/`.
 */
export function divRoundHalfUp(dividend: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) {
    throw new RangeError('divisor must be positive');
  }
  const negative = dividend < 0n;
  const abs = negative ? -dividend : dividend;
  let quotient = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) {
    quotient += 1n;
  }
  return negative ? -quotient : quotient;
}

/**
 * Converts an exact BigInt result back to minor units.
 *
 * @throws InvalidAmountError when the value does not fit a safe integer.
 */
export function toSafeMinor(value: bigint, what = 'amount'): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) {
    throw new InvalidAmountError(`${what} ${value} exceeds the safe integer range`);
  }
  return Number(value);
}
