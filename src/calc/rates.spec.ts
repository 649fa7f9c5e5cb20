import { applyRate, InvalidRateError, parseRate, rateToDecimalString, rateToPercentString } from './rates';

describe('applyRate', () => {
  it.each([
    [10000, 810, 810],
    [12345, 810, 1000], // 999.945 → 1000
    [1, 5000, 1], // 0.5 rounds up
    [-1, 5000, -1], // symmetric: -0.5 rounds away from zero
    [3, 5000, 2], // 1.5 → 2
    [-3, 5000, -2],
    [1, 4999, 0],
    [-1, 4999, 0],
    [34720, 2500, 8680],
    [26040, 2000, 5208],
    [20832, 810, 1687], // 1687.392
    [185, 810, 15], // 14.985 → 15
    [-185, 810, -15],
    [123, 0, 0],
    [123, 10000, 123],
    [0, 810, 0],
    [Number.MAX_SAFE_INTEGER, 10000, Number.MAX_SAFE_INTEGER],
    [1125899906842858, 810, 91197892454271], // a float product would round to ...272
  ])('applyRate(%p, %p) = %p', (minor, bp, expected) => {
    expect(applyRate(minor, bp)).toBe(expected);
  });

  it.each([[-1], [10001], [8.1], [NaN]])('rejects rate %p', (bp) => {
    expect(() => applyRate(100, bp)).toThrow(InvalidRateError);
  });

  it('rejects a non-integer amount', () => {
    expect(() => applyRate(1.5, 810)).toThrow('safe integer');
  });
});

describe('rateToDecimalString', () => {
  it.each([
    [810, '0.081'],
    [2500, '0.25'],
    [0, '0'],
    [10000, '1'],
    [1, '0.0001'],
    [3500, '0.35'],
    [1234, '0.1234'],
  ])('%p bp → %p', (bp, expected) => {
    expect(rateToDecimalString(bp)).toBe(expected);
  });

  it('rejects a rate above 100 %', () => {
    expect(() => rateToDecimalString(10001)).toThrow(InvalidRateError);
  });
});

describe('rateToPercentString', () => {
  it.each([
    [810, '8.1'],
    [2500, '25'],
    [0, '0'],
    [10000, '100'],
    [5, '0.05'],
    [777, '7.77'],
  ])('%p bp → %p %%', (bp, expected) => {
    expect(rateToPercentString(bp)).toBe(expected);
  });
});

describe('parseRate', () => {
  it.each([
    ['0.081', 810],
    ['0.25', 2500],
    ['0', 0],
    ['1', 10000],
    ['1.0000', 10000],
    ['0.0001', 1],
    ['00.5', 5000],
  ])('%p → %p bp', (s, expected) => {
    expect(parseRate(s)).toBe(expected);
  });

  it.each([[''], ['0.00001'], ['1.0001'], ['2'], ['10'], ['-0.1'], ['+0.1'], ['1e-2'], ['.5'], ['0.'], ['x']])(
    'rejects %p with INVALID_RATE',
    (s) => {
      expect(() => parseRate(s)).toThrow(InvalidRateError);
      expect(new InvalidRateError('x').code).toBe('INVALID_RATE');
    },
  );

  it.each([[0], [1], [810], [2500], [9999], [10000]])('round-trips %p bp', (bp) => {
    expect(parseRate(rateToDecimalString(bp))).toBe(bp);
  });
});
