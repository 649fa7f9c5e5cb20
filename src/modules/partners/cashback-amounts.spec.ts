import { ProductType } from '../products/product.entity';
import { AccessScope } from './client-relationship.entity';
import {
  cashbackOfLines,
  coveredLines,
  PaidLine,
  payoutPeriod,
  summarizeCashback,
  webHostingCount,
} from './cashback-amounts';

const line = (over: Partial<PaidLine> = {}): PaidLine => ({
  id: 1,
  productType: ProductType.WEB_HOSTING,
  productId: null,
  listAmount: 9900,
  netAmount: 9900,
  ...over,
});

describe('cashbackOfLines (R30: public − partner price, per line)', () => {
  it.each([
    // label, line, tier bp, web hostings, expected cashback
    ['tier 20 %, no degressive', line(), 2000, 1, 1980],
    ['tier 20 %, 5 web hostings (10 %)', line(), 2000, 5, 9900 - 7128],
    ['tier 35 %, 30 web hostings (25 %)', line(), 3500, 30, 9900 - 4826],
    [
      'the public example: CHF 347.20, 35 web hostings, tier 20 %',
      line({ listAmount: 34720, netAmount: 34720 }),
      2000,
      35,
      34720 - 20832,
    ],
    [
      'degressive only for web hostings',
      line({ productType: ProductType.DOMAIN, listAmount: 1300, netAmount: 1300 }),
      2000,
      30,
      260,
    ],
    ['half-up rounding on the line: 0.05 at 10 % then 20 %', line({ listAmount: 5, netAmount: 5 }), 2000, 5, 2],
    ['no tier and no degressive: nothing', line(), 0, 1, null],
    ['a line the client paid below list (nothing to gain): nothing', line({ netAmount: 5000 }), 2000, 1, null],
    [
      'a line without a product type: tier only',
      line({ productType: null, listAmount: 1000, netAmount: 1000 }),
      2500,
      40,
      250,
    ],
  ])('%s', (_label, input, partnerBp, count, expected) => {
    const result = cashbackOfLines([input], partnerBp, count);
    expect(result).toEqual(expected === null ? [] : [{ lineId: 1, amount: expected }]);
  });

  it('prices every line on its own (rounded per line, R20)', () => {
    const lines = [line({ id: 1, listAmount: 5, netAmount: 5 }), line({ id: 2, listAmount: 5, netAmount: 5 })];
    expect(cashbackOfLines(lines, 2000, 5)).toEqual([
      { lineId: 1, amount: 2 },
      { lineId: 2, amount: 2 },
    ]);
  });
});

describe('webHostingCount', () => {
  it.each([
    ['active ones only', [1, 2, 3], [line({ productType: ProductType.DOMAIN })], 3],
    ['plus new web hostings of the invoice', [1, 2], [line(), line({ id: 2 })], 4],
    ['a renewed active one counts once', [1, 2], [line({ productId: 2 })], 2],
    ['a renewed expired one counts', [1], [line({ productId: 9 })], 2],
  ])('%s', (_label, active, lines, expected) => {
    expect(webHostingCount(new Set(active), lines)).toBe(expected);
  });
});

describe('coveredLines', () => {
  const lines = [line({ id: 1, productId: 10 }), line({ id: 2, productId: 11 }), line({ id: 3, productId: null })];
  it.each([
    [AccessScope.FULL_ACCOUNT, [], [1, 2, 3]],
    [AccessScope.PRODUCTS, [11], [2]],
    [AccessScope.PRODUCTS, [], []],
  ])('%s with products %j', (scope, products, expected) => {
    expect(coveredLines(lines, scope, new Set(products)).map((l) => l.id)).toEqual(expected);
  });
});

describe('payoutPeriod', () => {
  it.each([
    ['2027-01-31T23:59:59Z', '2027-01'],
    ['2027-02-01T00:00:00Z', '2027-02'],
  ])('%s → %s', (at, expected) => expect(payoutPeriod(new Date(at))).toBe(expected));
});

describe('summarizeCashback', () => {
  const now = new Date('2027-05-01T00:00:00Z');
  const before = new Date('2027-04-01T00:00:00Z');
  const after = new Date('2027-05-20T00:00:00Z');
  it.each([
    ['pending inside the 30 days', [{ amount: 100, status: 'PENDING' as const, availableAt: after }], [100, 0, 0, 0]],
    ['available past them', [{ amount: 100, status: 'PENDING' as const, availableAt: before }], [0, 100, 0, 0]],
    ['credited', [{ amount: 100, status: 'CREDITED' as const, availableAt: before }], [0, 0, 100, 0]],
    ['cancelled before crediting', [{ amount: 100, status: 'CANCELLED' as const, availableAt: after }], [0, 0, 0, 100]],
    [
      'reversed after crediting, not yet deducted',
      [
        { amount: 100, status: 'CREDITED' as const, availableAt: before },
        { amount: -100, status: 'PENDING' as const, availableAt: before },
      ],
      [0, -100, 100, 100],
    ],
    [
      'reversed after crediting and deducted',
      [
        { amount: 100, status: 'CREDITED' as const, availableAt: before },
        { amount: -100, status: 'CREDITED' as const, availableAt: before },
      ],
      [0, 0, 100, 100],
    ],
  ])('%s', (_label, entries, [pending, available, credited, reversed]) => {
    expect(summarizeCashback(entries, now)).toEqual({ pending, available, credited, reversed });
  });
});
