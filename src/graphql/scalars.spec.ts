import { Kind } from 'graphql';
import { DateScalar, DateTimeScalar } from './scalars';

describe('DateTime', () => {
  it.each([
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00Z', '2026-01-31T12:00:00.000Z'],
    ['2028-02-29T23:59:59.999Z', '2028-02-29T23:59:59.999Z'],
    ['2026-03-01T02:00:00+01:00', '2026-03-01T01:00:00.000Z'],
    ['2026-03-01T00:30:00-05:30', '2026-03-01T06:00:00.000Z'],
  ])('accepts %s', (input, iso) => {
    expect(DateTimeScalar.parseValue(input).toISOString()).toBe(iso);
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: input }, {}).toISOString()).toBe(iso);
  });

  it.each([
    ['30 February', '2027-02-30T00:00:00Z'],
    ['29 February outside a leap year', '2027-02-29T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T12:60:00Z'],
    ['second 60', '2026-01-01T12:00:60Z'],
    ['an offset of 24 hours', '2026-01-01T12:00:00+24:00'],
    ['an offset minute of 60', '2026-01-01T12:00:00+01:60'],
  ])('refuses %s (%s) instead of rolling it over', (_label, input) => {
    expect(() => DateTimeScalar.parseValue(input)).toThrow(`DateTime ${input} does not exist`);
  });

  it.each([['2026-01-31'], ['2026-01-31T12:00:00'], ['yesterday'], [1767225600000], [null]])(
    'refuses %p: not an ISO-8601 date-time with a zone',
    (input) => {
      expect(() => DateTimeScalar.parseValue(input)).toThrow(/must be an ISO-8601 string with a time zone/);
    },
  );
});

describe('Date', () => {
  it('accepts a calendar day and refuses an impossible one', () => {
    expect(DateScalar.parseValue('2028-02-29')).toBe('2028-02-29');
    expect(() => DateScalar.parseValue('2027-02-30')).toThrow('Date 2027-02-30 does not exist');
  });
});
