import type { DataSource, Logger, QueryRunner } from 'typeorm';
import { currentRequest } from '../common/request-scope';

/**
 * Counts the SQL statements each HTTP request sends (tests and the benchmark: `createServer`'s
 * `countStatements` option; production never sets it). TypeORM tells its logger of every statement
 * on both dialects, whether logging is on or not; the wrapper adds one to the request scope's count
 * (AsyncLocalStorage, so DataLoader batches and transactions count for the request that caused
 * them) and passes everything on to the data source's own logger. Statements outside a request
 * (start-up, jobs) are not counted.
 */
const INSTALLED = Symbol('statementCounter');

export function countStatementsPerRequest(dataSource: DataSource): void {
  const holder = dataSource as unknown as { logger: Logger; [INSTALLED]?: true };
  if (holder[INSTALLED]) return; // a second instance on the same data source (tests): count once
  const inner = holder.logger;
  // Everything else goes to the data source's own logger (its prototype).
  const counting = Object.create(inner) as Logger;
  counting.logQuery = (query: string, parameters?: unknown[], queryRunner?: QueryRunner) => {
    const scope = currentRequest();
    if (scope) scope.sqlStatements = (scope.sqlStatements ?? 0) + 1;
    inner.logQuery(query, parameters, queryRunner);
  };
  holder.logger = counting;
  holder[INSTALLED] = true;
}

/** Response header with the number of statements the request sent (only when counting). */
export const STATEMENTS_HEADER = 'x-sql-statements';
