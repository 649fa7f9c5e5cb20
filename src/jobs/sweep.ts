/**
 * Runs a sweep's `work` for each due item (each in its own transaction, by the caller): one item's
 * failure does not hold back the others, and the first failure is rethrown once all were tried.
 * Returns the sum of what each item changed.
 */
export async function sweepEach<T>(items: readonly T[], work: (item: T) => Promise<number>): Promise<number> {
  let changed = 0;
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      changed += await work(item);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
  return changed;
}
