import { formatInvoiceNumber, invoiceYear, parseInvoiceNumber } from './invoice-number';

describe('invoice numbers (R20)', () => {
  it.each([
    [2026, 1, '2026-000001'],
    [2026, 123, '2026-000123'],
    [2027, 999999, '2027-999999'],
    [2027, 1000000, '2027-1000000'],
  ])('formats %i/%i as %s and parses it back', (year, sequence, text) => {
    expect(formatInvoiceNumber(year, sequence)).toBe(text);
    expect(parseInvoiceNumber(text)).toEqual({ year, sequence });
  });

  it.each([
    [2026, 0],
    [2026, -1],
    [2026, 1.5],
    [26, 1],
    [20260, 1],
  ])('refuses year %p sequence %p', (year, sequence) => {
    expect(() => formatInvoiceNumber(year, sequence)).toThrow(RangeError);
  });

  it.each(['', '2026-123', '2026-000000', 'x2026-000001', '2026-000001 '])('does not parse %p', (text) => {
    expect(parseInvoiceNumber(text)).toBeNull();
  });

  it('numbers by the UTC year', () => {
    expect(invoiceYear(new Date('2026-12-31T23:59:59Z'))).toBe(2026);
    expect(invoiceYear(new Date('2027-01-01T00:00:00Z'))).toBe(2027);
  });
});
