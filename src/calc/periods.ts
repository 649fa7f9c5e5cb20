/**
 * Billing periods and proration, all in UTC calendar days.
 */
import { assertSafeMinor, divRoundHalfUp, toSafeMinor } from './money';

export type BillingPeriod = 'MONTHLY' | 'YEARLY';

/** One UTC day in milliseconds (UTC has no daylight saving). */
export const DAY_MS = 86_400_000;

/** `date` plus `days` whole days (negative goes back). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

function daysInUtcMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function addUtcMonths(date: Date, months: number): Date {
  const target = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(target / 12);
  const monthIndex = ((target % 12) + 12) % 12;
  // Clamp so Jan 31 + 1 month is the last day of February, not March 2 or 3.
  const day = Math.min(date.getUTCDate(), daysInUtcMonth(year, monthIndex));
  return new Date(
    Date.UTC(
      year,
      monthIndex,
      day,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

/**
 * Returns the end of a billing period that starts at `date`: one calendar month or one
 * calendar year later, in UTC, keeping the time of day. The day of month is clamped to the
 * target month's length: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year),
 * Feb 29 + 1 year = Feb 28.
 *
 * Chaining clamps for good (Jan 31 → Feb 28 → Mar 28); callers who want to keep the
 * anchor day add `n` periods to the original start instead.
 */
export function addBillingPeriod(date: Date, period: BillingPeriod): Date {
  return addUtcMonths(date, period === 'MONTHLY' ? 1 : 12);
}

function utcDayNumber(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / DAY_MS;
}

/**
 * Number of UTC calendar days from `a` to `b` (negative when `b` is earlier). The time of
 * day is ignored: 2026-01-01T23:00Z to 2026-01-02T01:00Z is 1 day.
 */
export function daysBetween(a: Date, b: Date): number {
  return utcDayNumber(b) - utcDayNumber(a);
}

/**
 * The share of a period's price for the days that remain, `[from, periodEnd)`:
 * `amount × remainingDays / periodDays`, rounded half-up to the minor unit.
 * `from` before the period start gives the whole amount, `from` at or after its end gives 0.
 *
 * @param amountMinor price of the whole period, non-negative minor units
 * @param periodStart first day of the period (UTC)
 * @param periodEnd day after the last day of the period (UTC, exclusive)
 * @param from first day to charge (UTC)
 * @throws RangeError when the period is empty or the amount negative
 */
export function prorate(amountMinor: number, periodStart: Date, periodEnd: Date, from: Date): number {
  assertSafeMinor(amountMinor, 'amountMinor');
  if (amountMinor < 0) {
    throw new RangeError(`amount must not be negative, got ${amountMinor}`);
  }
  const periodDays = daysBetween(periodStart, periodEnd);
  if (periodDays <= 0) {
    throw new RangeError('the billing period must last at least one day');
  }
  const remainingDays = Math.min(periodDays, Math.max(0, daysBetween(from, periodEnd)));
  return toSafeMinor(divRoundHalfUp(BigInt(amountMinor) * BigInt(remainingDays), BigInt(periodDays)));
}
