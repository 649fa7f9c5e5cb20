import { DEFAULT_VAT_BP, vatRateFor } from './vat';

describe('vatRateFor', () => {
  it.each([
    ['CH', 810],
    ['LI', 810],
    ['ch', 810],
    [' li ', 810],
    ['DE', 0],
    ['FR', 0],
    ['US', 0],
  ])('default table: %p → %p bp', (country, expected) => {
    expect(vatRateFor(country, DEFAULT_VAT_BP)).toBe(expected);
    expect(vatRateFor(country)).toBe(expected);
  });

  it.each([
    ['CH', { CH: 770 }, 0, 770],
    ['DE', { CH: 810, DE: 1900 }, 0, 1900],
    ['AT', { CH: 810 }, 2000, 2000],
    ['CH', { CH: 0 }, 2000, 0], // an explicit 0 wins over the fallback
  ])('custom table: %p in %j (fallback %p) → %p', (country, table, fallback, expected) => {
    expect(vatRateFor(country, table, fallback)).toBe(expected);
  });

  it.each([[''], ['C'], ['CHE'], ['C1'], ['__']])('rejects country %p', (country) => {
    expect(() => vatRateFor(country)).toThrow(RangeError);
  });

  it('rejects an invalid configured rate', () => {
    expect(() => vatRateFor('CH', { CH: 8.1 })).toThrow('rate');
    expect(() => vatRateFor('DE', {}, -1)).toThrow('rate');
  });

  it('keeps the default table immutable', () => {
    expect(Object.isFrozen(DEFAULT_VAT_BP)).toBe(true);
    expect(DEFAULT_VAT_BP).toEqual({ CH: 810, LI: 810 });
  });
});
