import { assertSafeMinor, divRoundHalfUp, formatDecimal, InvalidAmountError, parseDecimal, toSafeMinor } from './money';

describe('parseDecimal', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['12.05', 1205],
    ['-0.10', -10],
    ['-12.3', -1230],
    ['0', 0],
    ['0.01', 1],
    ['007.00', 700],
    ['9999.00', 999900],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('parses %p as %p minor units', (input, expected) => {
    expect(parseDecimal(input)).toBe(expected);
  });

  it('returns a plain zero for "-0.00", never -0', () => {
    expect(Object.is(parseDecimal('-0.00'), 0)).toBe(true);
  });

  it.each([
    [''],
    [' 1'],
    ['1 '],
    ['+1'],
    ['1.'],
    ['.5'],
    ['-'],
    ['1.234'],
    ['0.001'],
    ['1e3'],
    ['1E3'],
    ['abc'],
    ['1,50'],
    ['--1'],
    ['0x10'],
    ['Infinity'],
    ['NaN'],
    ['90071992547409.92'],
    ['-90071992547409.92'],
    ['100000000000000000000'],
  ])('rejects %p with INVALID_AMOUNT', (input) => {
    expect(() => parseDecimal(input)).toThrow(InvalidAmountError);
    try {
      parseDecimal(input);
    } catch (error) {
      expect((error as InvalidAmountError).code).toBe('INVALID_AMOUNT');
    }
  });
});

describe('formatDecimal', () => {
  it.each([
    [123450, '1234.50'],
    [-5, '-0.05'],
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [100, '1.00'],
    [-100, '-1.00'],
    [-123456, '-1234.56'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('formats %p as %p', (minor, expected) => {
    expect(formatDecimal(minor)).toBe(expected);
  });

  it.each([[1.5], [NaN], [Infinity], [Number.MAX_SAFE_INTEGER + 1]])('rejects %p', (minor) => {
    expect(() => formatDecimal(minor)).toThrow(InvalidAmountError);
  });

  it.each([['0.00'], ['-0.05'], ['1234.50'], ['-999.99']])('round-trips %p through parseDecimal', (s) => {
    expect(formatDecimal(parseDecimal(s))).toBe(s);
  });
});

describe('assertSafeMinor', () => {
  it.each([[0], [-1], [Number.MAX_SAFE_INTEGER], [Number.MIN_SAFE_INTEGER]])('accepts %p', (n) => {
    expect(() => assertSafeMinor(n)).not.toThrow();
  });

  it.each([[0.1], [NaN], [-Infinity], [2 ** 53]])('rejects %p', (n) => {
    expect(() => assertSafeMinor(n)).toThrow(InvalidAmountError);
  });
});

describe('divRoundHalfUp', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [0n, 7n, 0n],
    [14999n, 10000n, 1n],
    [15000n, 10000n, 2n],
  ])('%p / %p = %p', (dividend, divisor, expected) => {
    expect(divRoundHalfUp(dividend, divisor)).toBe(expected);
  });

  it('refuses a non-positive divisor', () => {
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
    expect(() => divRoundHalfUp(1n, -2n)).toThrow(RangeError);
  });
});

describe('toSafeMinor', () => {
  it('converts in range and refuses beyond', () => {
    expect(toSafeMinor(-42n)).toBe(-42);
    expect(() => toSafeMinor(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(InvalidAmountError);
    expect(() => toSafeMinor(-BigInt(Number.MAX_SAFE_INTEGER) - 1n)).toThrow(InvalidAmountError);
  });
});
