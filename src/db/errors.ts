import { QueryFailedError } from 'typeorm';

/** True when a write failed on a unique index or primary key, on either dialect (a lost race for a unique value). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } }).driverError?.code;
  return (
    error instanceof QueryFailedError &&
    (code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
