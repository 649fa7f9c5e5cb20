import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './data-source';

/**
 * SQLite has one connection (better-sqlite3 is synchronous): two TypeORM transactions must not
 * interleave on it, so write transactions are queued per data source. This is also what serializes
 * concurrent debits of a prepaid balance on the embedded database.
 */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

function runSerialized<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const result = previous.then(work, work);
  sqliteQueues.set(
    dataSource,
    result.catch(() => undefined),
  );
  return result;
}

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code =
    (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ??
    (error as { code?: string })?.code;
  return typeof code === 'string' && MYSQL_RETRYABLE.has(code);
}

/**
 * Runs `work` in a database transaction, or inside the caller's when `manager` already holds one.
 * A thrown error rolls everything back. On MySQL/MariaDB a deadlock victim is retried a few times.
 */
export async function transaction<T>(
  dataSource: DataSource,
  manager: EntityManager,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (manager.queryRunner?.isTransactionActive) return work(manager);
  const run = () => dataSource.transaction((trx) => work(trx));
  if (dialectOf(urlOf(dataSource)) === 'sqlite') return runSerialized(dataSource, run);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

function urlOf(dataSource: DataSource): string {
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite:' : 'mysql:';
}

/** Pessimistic write lock where the dialect has row locks; SQLite's serialized transactions already exclude others. */
export function writeLock(manager: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return manager.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' };
}
