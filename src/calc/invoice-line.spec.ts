import { computeInvoiceLine, InvoiceLineAmounts, sumInvoice } from './invoice-line';
import { applyRate } from './rates';

type Row = [string, Parameters<typeof computeInvoiceLine>[0], InvoiceLineAmounts];

describe('computeInvoiceLine', () => {
  const rows: Row[] = [
    [
      'R30 public example: CHF 347.20, 25 % degressive, 20 % partner, no VAT',
      { unitListAmount: 992, quantity: 35, degressiveBp: 2500, partnerBp: 2000, vatBp: 0 },
      {
        listAmount: 34720,
        degressiveDiscount: 8680,
        partnerDiscount: 5208,
        netAmount: 20832,
        vatAmount: 0,
        grossAmount: 20832,
      },
    ],
    [
      'R30 example with Swiss VAT 8.1 %',
      { unitListAmount: 34720, quantity: 1, degressiveBp: 2500, partnerBp: 2000, vatBp: 810 },
      // 20832 × 8.1 % = 1687.392 → 1687
      {
        listAmount: 34720,
        degressiveDiscount: 8680,
        partnerDiscount: 5208,
        netAmount: 20832,
        vatAmount: 1687,
        grossAmount: 22519,
      },
    ],
    [
      'public price, VAT only',
      { unitListAmount: 1990, quantity: 1, degressiveBp: 0, partnerBp: 0, vatBp: 810 },
      // 161.19 → 161
      {
        listAmount: 1990,
        degressiveDiscount: 0,
        partnerDiscount: 0,
        netAmount: 1990,
        vatAmount: 161,
        grossAmount: 2151,
      },
    ],
    [
      'VAT rounds half-up at exactly .5',
      { unitListAmount: 1000, quantity: 5, degressiveBp: 0, partnerBp: 0, vatBp: 1 }, // 0.5 → 1
      { listAmount: 5000, degressiveDiscount: 0, partnerDiscount: 0, netAmount: 5000, vatAmount: 1, grossAmount: 5001 },
    ],
    [
      'rounding per step, degressive first: 0.05 at 10 % then 20 %',
      { unitListAmount: 5, quantity: 1, degressiveBp: 1000, partnerBp: 2000, vatBp: 0 },
      // 0.5 → 1 off, leaves 4; 0.8 → 1 off, leaves 3 (partner first would leave 4)
      { listAmount: 5, degressiveDiscount: 1, partnerDiscount: 1, netAmount: 3, vatAmount: 0, grossAmount: 3 },
    ],
    [
      'quantity multiplies before any discount',
      { unitListAmount: 333, quantity: 3, degressiveBp: 1500, partnerBp: 3500, vatBp: 810 },
      // 999 → −149.85→150 → 849 → −297.15→297 → 552; VAT 44.712 → 45
      {
        listAmount: 999,
        degressiveDiscount: 150,
        partnerDiscount: 297,
        netAmount: 552,
        vatAmount: 45,
        grossAmount: 597,
      },
    ],
    [
      'zero quantity',
      { unitListAmount: 1990, quantity: 0, degressiveBp: 2500, partnerBp: 2000, vatBp: 810 },
      { listAmount: 0, degressiveDiscount: 0, partnerDiscount: 0, netAmount: 0, vatAmount: 0, grossAmount: 0 },
    ],
    [
      'negative amount (credit) rounds symmetrically',
      { unitListAmount: -5, quantity: 1, degressiveBp: 1000, partnerBp: 2000, vatBp: 0 },
      { listAmount: -5, degressiveDiscount: -1, partnerDiscount: -1, netAmount: -3, vatAmount: 0, grossAmount: -3 },
    ],
  ];

  it.each(rows)('%s', (_name, input, expected) => {
    const line = computeInvoiceLine(input);
    expect(line).toEqual(expected);
    expect(line.listAmount - line.degressiveDiscount - line.partnerDiscount).toBe(line.netAmount);
    expect(line.netAmount + line.vatAmount).toBe(line.grossAmount);
  });

  it('R30: the knowledge base order (partner first) reaches the same 208.32', () => {
    const afterPartner = 34720 - applyRate(34720, 2000);
    expect(afterPartner).toBe(27776);
    expect(afterPartner - applyRate(afterPartner, 2500)).toBe(20832);
  });

  it.each([
    [{ unitListAmount: 1.5, quantity: 1 }],
    [{ unitListAmount: 100, quantity: 1.5 }],
    [{ unitListAmount: 100, quantity: -1 }],
    [{ unitListAmount: Number.MAX_SAFE_INTEGER, quantity: 2 }],
  ])('rejects bad input %p', (partial) => {
    expect(() => computeInvoiceLine({ degressiveBp: 0, partnerBp: 0, vatBp: 0, ...partial })).toThrow();
  });

  it('rejects a rate over 100 %', () => {
    expect(() =>
      computeInvoiceLine({ unitListAmount: 1, quantity: 1, degressiveBp: 0, partnerBp: 10001, vatBp: 0 }),
    ).toThrow('rate');
  });
});

describe('sumInvoice', () => {
  it.each([
    [[], { subtotal: 0, vat: 0, total: 0 }],
    [[{ netAmount: 20832, vatAmount: 1687, grossAmount: 22519 }], { subtotal: 20832, vat: 1687, total: 22519 }],
    [
      [
        { netAmount: 1990, vatAmount: 161, grossAmount: 2151 },
        { netAmount: 552, vatAmount: 45, grossAmount: 597 },
        { netAmount: -3, vatAmount: 0, grossAmount: -3 },
      ],
      { subtotal: 2539, vat: 206, total: 2745 },
    ],
  ])('sums %j', (lines, expected) => {
    expect(sumInvoice(lines)).toEqual(expected);
  });

  it('adds the per-line VAT instead of taxing the total (R20)', () => {
    const line = computeInvoiceLine({ unitListAmount: 6, quantity: 1, degressiveBp: 0, partnerBp: 0, vatBp: 810 });
    expect(line.vatAmount).toBe(0); // 0.486 centime rounds to 0
    const totals = sumInvoice(Array.from({ length: 10 }, () => line));
    // VAT on the 0.60 total would be 4.86 → 5 centimes
    expect(totals).toEqual({ subtotal: 60, vat: 0, total: 60 });
  });
});
