import { QueryFailedError } from 'typeorm';

/** True when a write failed on a unique index or primary key, on either dialect (a lost race for a unique value). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } }).driverError?.code;
  return (
    error instanceof QueryFailedError &&
    (code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/** Driver codes of a database that cannot be reached or whose connection was lost. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);

/**
 * True when `error` (or what it wraps: TypeORM's driverError, a GraphQL originalError, a cause) says
 * the database is unreachable or the connection broke, rather than that a statement was wrong. Such a
 * request is answered 503 SERVICE_UNAVAILABLE (issue 9): retryable, with nothing of the internals.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; fatal?: unknown; message?: unknown };
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.fatal === true) return true;
    if (
      typeof e.message === 'string' &&
      /connection is in closed state|Connection lost|Pool is closed/i.test(e.message)
    )
      return true;
    const next = current as { driverError?: unknown; originalError?: unknown; cause?: unknown };
    current = next.driverError ?? next.originalError ?? next.cause;
  }
  return false;
}
