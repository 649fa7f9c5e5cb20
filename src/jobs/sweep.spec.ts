import { sweepEach } from './sweep';

describe('sweepEach', () => {
  it('sums what each item changed', async () => {
    await expect(sweepEach([1, 0, 2], async (n) => n)).resolves.toBe(3);
  });

  it('tries every item when one fails, then rethrows the first failure', async () => {
    const seen: number[] = [];
    const work = async (n: number) => {
      seen.push(n);
      if (n % 2 === 0) throw new Error(`item ${n}`);
      return 1;
    };
    await expect(sweepEach([1, 2, 3, 4, 5], work)).rejects.toThrow('item 2');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});
