import { allocate, allocateSequential } from './allocate';

describe('allocate', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]], // tie on remainders → earliest index
    [200, [1, 1, 1], [67, 67, 66]],
    [-100, [1, 1, 1], [-34, -33, -33]], // symmetric for negative totals
    [10, [0, 1, 0, 1], [0, 5, 0, 5]],
    [1, [0, 3, 3], [0, 1, 0]],
    [5, [0, 0, 7], [0, 0, 5]],
    [0, [1, 2], [0, 0]],
    [1000, [2151, 597], [783, 217]], // 782.69… / 217.30…
    [7, [1, 2, 4], [1, 2, 4]],
    [10, [1, 2, 4], [1, 3, 6]], // 1.43 / 2.86 / 5.71 → floors 1,2,5 + the leftover to 2.86
    [3, [1, 1, 1, 1, 1], [1, 1, 1, 0, 0]],
    [Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [4503599627370496, 4503599627370495]],
  ])('allocate(%p, %j) = %j', (total, weights, expected) => {
    const parts = allocate(total, weights);
    expect(parts).toEqual(expected);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('always sums exactly, whatever the weights', () => {
    for (let total = 0; total < 500; total += 7) {
      const weights = [3, 0, 11, 5, 1, 0, 29];
      const parts = allocate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts[1]).toBe(0);
      expect(parts[5]).toBe(0);
    }
  });

  it.each([[[]], [[0, 0]], [[1, -1]], [[1.5, 1]]])('rejects weights %j', (weights) => {
    expect(() => allocate(10, weights)).toThrow(RangeError);
  });

  it('rejects a non-integer total', () => {
    expect(() => allocate(1.5, [1])).toThrow('safe integer');
  });
});

describe('allocateSequential', () => {
  it.each([
    [500, [300, 400, 100], [300, 200, 0]],
    [800, [300, 400, 100], [300, 400, 100]],
    [1000, [300, 400, 100], [300, 400, 100]], // 200 left for the caller
    [0, [300, 400], [0, 0]],
    [150, [0, 100, 100], [0, 100, 50]],
    [150, [], []],
  ])('allocateSequential(%p, %j) = %j', (amount, caps, expected) => {
    expect(allocateSequential(amount, caps)).toEqual(expected);
  });

  it.each([
    [-1, [10]],
    [10, [-1]],
    [1.5, [10]],
    [10, [1.5]],
  ])('rejects allocateSequential(%p, %j)', (amount, caps) => {
    expect(() => allocateSequential(amount, caps)).toThrow();
  });
});
