import { priceOrder, PricingLine } from './order-pricing';

describe('priceOrder: order totals (R20, R30)', () => {
  it.each<[string, PricingLine[], number, { subtotal: number; vat: number; total: number }]>([
    [
      'a hosting and a domain in CH (8.1 %)',
      [{ unitListAmount: 9900 }, { unitListAmount: 1300 }],
      810,
      { subtotal: 11200, vat: 907, total: 12107 },
    ],
    [
      'the same abroad (reverse charge)',
      [{ unitListAmount: 9900 }, { unitListAmount: 1300 }],
      0,
      { subtotal: 11200, vat: 0, total: 11200 },
    ],
    // 9.90 × 8.1 % = 0.8019 → 0.80 per line, 2.40 for three; on the total it would be 29.70 × 8.1 % = 2.4057 → 2.41.
    [
      'VAT rounded per line, not on the total',
      [{ unitListAmount: 990 }, { unitListAmount: 990 }, { unitListAmount: 990 }],
      810,
      { subtotal: 2970, vat: 240, total: 3210 },
    ],
    ['half-up rounding of a line', [{ unitListAmount: 50 }], 1000, { subtotal: 50, vat: 5, total: 55 }],
    ['a quantity', [{ unitListAmount: 1900, quantity: 3 }], 810, { subtotal: 5700, vat: 462, total: 6162 }],
    [
      'R30 worked example: 35 hostings, 25 % degressive, 20 % partner',
      [{ unitListAmount: 992, quantity: 35, degressiveBp: 2500, partnerBp: 2000 }],
      0,
      { subtotal: 20832, vat: 0, total: 20832 },
    ],
    ['a free line', [{ unitListAmount: 0 }], 810, { subtotal: 0, vat: 0, total: 0 }],
  ])('%s', (_label, lines, vatBp, totals) => {
    const priced = priceOrder(lines, vatBp);
    expect(priced.totals).toEqual(totals);
    expect(priced.lines).toHaveLength(lines.length);
    for (const line of priced.lines) {
      expect(line.listAmount - line.degressiveDiscount - line.partnerDiscount).toBe(line.netAmount);
      expect(line.netAmount + line.vatAmount).toBe(line.grossAmount);
    }
  });

  it('has no discount unless one is given', () => {
    const [line] = priceOrder([{ unitListAmount: 9900 }], 810).lines;
    expect(line).toMatchObject({
      listAmount: 9900,
      degressiveDiscount: 0,
      partnerDiscount: 0,
      netAmount: 9900,
      vatAmount: 802,
      grossAmount: 10702,
    });
  });

  it('refuses a float amount', () => {
    expect(() => priceOrder([{ unitListAmount: 9.9 }], 810)).toThrow();
  });
});
