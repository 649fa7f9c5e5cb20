import { commissionAmount, commissionRateBp, CommissionTier } from './commission';

/** R35: 25 %, 30 % from 50, 35 % from 1000, 50 % from 20 000 (minor units). */
const TIERS: CommissionTier[] = [
  { fromMinor: 0, rateBp: 2500 },
  { fromMinor: 5000, rateBp: 3000 },
  { fromMinor: 100000, rateBp: 3500 },
  { fromMinor: 2000000, rateBp: 5000 },
];

describe('commissionRateBp', () => {
  it.each([
    [0, 2500],
    [4999, 2500], // 49.99
    [5000, 3000], // 50.00
    [99999, 3000],
    [100000, 3500], // 1000.00
    [1999999, 3500],
    [2000000, 5000], // 20 000.00
    [987654321, 5000],
    [-1500, 2500], // a refund after payout took earnings below zero
  ])('earnings %p → %p bp', (earned, rate) => {
    expect(commissionRateBp(earned, TIERS)).toBe(rate);
  });

  it.each([
    [[], 'start at 0'],
    [[{ fromMinor: 100, rateBp: 2500 }], 'start at 0'],
    [
      [
        { fromMinor: 0, rateBp: 2500 },
        { fromMinor: 0, rateBp: 3000 },
      ],
      'sorted',
    ],
  ])('rejects a bad table %#', (tiers, message) => {
    expect(() => commissionRateBp(0, tiers as CommissionTier[])).toThrow(message);
  });

  it('rejects a rate above 100 %', () => {
    expect(() => commissionRateBp(0, [{ fromMinor: 0, rateBp: 10001 }])).toThrow('rate');
  });
});

describe('commissionAmount', () => {
  it.each([
    [12000, 2500, undefined, 3000], // 120.00 × 25 % = 30.00
    [999, 2500, undefined, 250], // 2.4975 → 2.50
    [998, 2500, undefined, 250], // 2.495 → 2.50 (half-up)
    [994, 2500, undefined, 249], // 248.5 → 249 (half-up)
    [1, 3000, undefined, 0], // 0.003 → 0.00
    [2, 2500, undefined, 1], // 0.5 → 1
    [34720, 3500, undefined, 12152],
    [20832, 5000, undefined, 10416],
    [-12000, 2500, undefined, -3000], // symmetric around zero
    [10000, 2500, 950000, 2375], // 25.00 at 0.95
    [10001, 2500, 1050000, 2625], // 2625.2625 → 26.25
    [0, 5000, undefined, 0],
    [Number.MAX_SAFE_INTEGER, 10000, undefined, Number.MAX_SAFE_INTEGER], // exact, no float
  ])('commissionAmount(%p, %p, %p) = %p', (base, rate, ppm, expected) => {
    expect(commissionAmount(base, rate, ppm)).toBe(expected);
  });

  it.each([[0], [-1], [1.5]])('rejects conversion rate %p', (ppm) => {
    expect(() => commissionAmount(100, 2500, ppm)).toThrow('conversion rate');
  });

  it('rejects a float base', () => {
    expect(() => commissionAmount(12.5, 2500)).toThrow('safe integer');
  });
});
