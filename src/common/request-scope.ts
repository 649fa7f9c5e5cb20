import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the log lines of one HTTP request share, wherever they are written: its id, the client's
 * address, and once known the GraphQL operation and the viewer. Set by the first middleware in
 * app.ts; every log line written while the request runs carries it (see logger.ts).
 */
export interface RequestScope {
  requestId: string;
  /** The client's address (X-Forwarded-For only when TRUST_PROXY says so). */
  clientIp: string;
  operationName?: string;
  viewerId?: number;
  /** SQL statements sent so far, when the server counts them (db/statement-counter.ts; tests, benchmark). */
  sqlStatements?: number;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (the rest of the request) within `scope`. */
export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The scope of the request being handled, or undefined outside one (jobs, CLI, start-up). */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}
