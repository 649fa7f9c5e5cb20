import { addBillingPeriod, BillingPeriod, daysBetween, prorate } from './periods';

const d = (iso: string) => new Date(iso);

describe('addBillingPeriod', () => {
  it.each<[string, BillingPeriod, string]>([
    ['2026-01-15T10:30:00.000Z', 'MONTHLY', '2026-02-15T10:30:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 'MONTHLY', '2026-02-28T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 'MONTHLY', '2028-02-29T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 'MONTHLY', '2026-04-30T23:59:59.999Z'],
    ['2026-12-31T00:00:00.000Z', 'MONTHLY', '2027-01-31T00:00:00.000Z'],
    ['2026-12-15T00:00:00.000Z', 'MONTHLY', '2027-01-15T00:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', 'YEARLY', '2029-02-28T00:00:00.000Z'],
    ['2027-02-28T00:00:00.000Z', 'YEARLY', '2028-02-28T00:00:00.000Z'],
    ['2026-06-30T12:00:00.000Z', 'YEARLY', '2027-06-30T12:00:00.000Z'],
  ])('%s + %s = %s', (start, period, expected) => {
    expect(addBillingPeriod(d(start), period).toISOString()).toBe(expected);
  });

  it('does not mutate its argument', () => {
    const start = d('2026-01-31T00:00:00.000Z');
    addBillingPeriod(start, 'MONTHLY');
    expect(start.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});

describe('daysBetween', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T23:59:59Z', 0],
    ['2026-01-01T23:00:00Z', '2026-01-02T01:00:00Z', 1],
    ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 365],
    ['2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z', 366],
    ['2026-03-01T00:00:00Z', '2026-02-01T00:00:00Z', -28],
    ['2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z', 2], // across the European DST switch
  ])('from %s to %s is %p days', (a, b, expected) => {
    expect(daysBetween(d(a), d(b))).toBe(expected);
  });
});

describe('prorate', () => {
  const jan1 = d('2026-01-01T00:00:00Z');
  const feb1 = d('2026-02-01T00:00:00Z');
  const year = d('2027-01-01T00:00:00Z');

  it.each([
    ['whole period', 3100, jan1, feb1, jan1, 3100],
    ['from before the start', 3100, jan1, feb1, d('2025-12-01T00:00:00Z'), 3100],
    ['last day only', 3100, jan1, feb1, d('2026-01-31T00:00:00Z'), 100],
    ['at the end', 3100, jan1, feb1, feb1, 0],
    ['after the end', 3100, jan1, feb1, d('2026-03-01T00:00:00Z'), 0],
    ['half-up at .5', 1, jan1, d('2026-01-03T00:00:00Z'), d('2026-01-02T00:00:00Z'), 1],
    ['rounds down below .5', 1000, jan1, feb1, d('2026-01-17T00:00:00Z'), 484], // 483.87
    ['rounds up above .5', 1000, jan1, feb1, d('2026-01-16T00:00:00Z'), 516], // 516.13
    ['a year, 100 days left', 36500, jan1, year, d('2026-09-23T00:00:00Z'), 10000],
    ['zero amount', 0, jan1, feb1, d('2026-01-16T00:00:00Z'), 0],
  ])('%s', (_name, amount, start, end, from, expected) => {
    expect(prorate(amount, start, end, from)).toBe(expected);
  });

  it.each([
    ['an empty period', 100, jan1, jan1],
    ['a reversed period', 100, feb1, jan1],
    ['a negative amount', -100, jan1, feb1],
    ['a fractional amount', 1.5, jan1, feb1],
  ])('rejects %s', (_name, amount, start, end) => {
    expect(() => prorate(amount, start, end, jan1)).toThrow();
  });
});
