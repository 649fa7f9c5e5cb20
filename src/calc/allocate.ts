/**
 * Splitting an amount of minor units into parts that add up exactly.
 */
import { assertSafeMinor, toSafeMinor } from './money';

/**
 * Splits an integer `total` into integer parts proportional to `weights`, by the largest
 * remainder method: each part gets the floor of its exact share, then the centimes left over
 * go one each to the parts with the largest fractional remainders, ties to the earliest
 * index. The parts always sum exactly to `total`; a zero weight always gets 0.
 *
 * A negative total is split like its absolute value and negated, so rounding is symmetric.
 *
 * @param total amount in minor units (safe integer, any sign)
 * @param weights non-negative safe integers (e.g. the lines' net amounts)
 * @throws RangeError when weights are empty, negative, non-integer, or all zero
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertSafeMinor(total, 'total');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new RangeError(`weights must be non-negative safe integers, got ${w}`);
    }
  }
  const weightSum = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (weightSum === 0n) {
    throw new RangeError('cannot allocate over weights that are all zero');
  }
  const magnitude = BigInt(Math.abs(total));
  const parts = weights.map((w) => (magnitude * BigInt(w)) / weightSum);
  const remainders = weights.map((w) => (magnitude * BigInt(w)) % weightSum);
  let leftover = magnitude - parts.reduce((sum, p) => sum + p, 0n);

  // Array.prototype.sort is stable, so equal remainders keep index order (earliest first).
  const order = weights
    .map((_, index) => index)
    .filter((index) => weights[index] > 0)
    .sort((a, b) => (remainders[b] > remainders[a] ? 1 : remainders[b] < remainders[a] ? -1 : 0));
  for (const index of order) {
    if (leftover === 0n) break;
    parts[index] += 1n;
    leftover -= 1n;
  }
  return parts.map((p) => toSafeMinor(total < 0 ? -p : p));
}

/**
 * Fills `caps` in order with `amount`: the first cap is filled completely before the second
 * gets anything. Used to spread one prepaid amount over several invoices, first invoice first.
 *
 * The parts sum to `min(amount, sum(caps))`; whatever exceeds the caps is not placed, and the
 * caller gets it back as `amount − sum(parts)`.
 *
 * @param amount non-negative minor units to spread
 * @param caps non-negative minor units, the most each part may take
 */
export function allocateSequential(amount: number, caps: readonly number[]): number[] {
  assertSafeMinor(amount, 'amount');
  if (amount < 0) {
    throw new RangeError(`amount must not be negative, got ${amount}`);
  }
  let remaining = amount;
  return caps.map((cap) => {
    assertSafeMinor(cap, 'cap');
    if (cap < 0) {
      throw new RangeError(`caps must not be negative, got ${cap}`);
    }
    const part = Math.min(cap, remaining);
    remaining -= part;
    return part;
  });
}
