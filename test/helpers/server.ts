import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { App, createServer } from '../../src/app';
import type { Logger } from '../../src/common/logger';
import { readOutbox } from '../../src/common/mail';
import { readSmsOutbox } from '../../src/common/sms';
import { loadConfig } from '../../src/config';
import { Clock } from '../../src/context';
import { openAppDatabase } from '../../src/startup';
import { dropMysqlDatabase, recreateMysqlDatabase } from './mysql';

/** A clock tests can move; starts at the real time unless told otherwise. */
export class TestClock implements Clock {
  private offsetMs = 0;
  private fixed: Date | null = null;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date(Date.now() + this.offsetMs);
  }
  set(date: Date | string): void {
    this.fixed = new Date(date);
  }
  advance(ms: number): void {
    if (this.fixed) this.fixed = new Date(this.fixed.getTime() + ms);
    else this.offsetMs += ms;
  }
}

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, any>; path?: string[] }>;
  /** SQL statements the request sent (servers started with `countStatements`). */
  statements?: number;
}

export interface TestServer {
  app: App;
  url: string;
  dataSource: DataSource;
  clock: TestClock;
  dialect: 'sqlite' | 'mysql';
  mailDir: string;
  /** SMS_TRANSPORT folder (file transport). */
  smsDir: string;
  /** DATA_DIR: identity-verification files live in `<dataDir>/identity`. */
  dataDir: string;
  databaseUrl: string;
  /** POST /graphql; `token` becomes the bearer. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  mails(): ReturnType<typeof readOutbox>;
  sms(): ReturnType<typeof readSmsOutbox>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * A real server on a real database: a fresh SQLite file, or a fresh MariaDB database when
 * TEST_MYSQL_URL is set (mysql://root@127.0.0.1:3306/pp_test → pp_test_<pid>_<n>).
 */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    logger?: Logger;
    /** A second instance on this server's database (its own HTTP server, counters and Redis connection). */
    sameDatabaseAs?: TestServer;
    /** The address the app connects through (e.g. a TCP proxy a test cuts); the database itself is unchanged. */
    connectVia?: (databaseUrl: string) => string;
    /** Count each request's SQL statements: `gql` answers them as `statements`. */
    countStatements?: boolean;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-test-'));
  const mysqlBase = process.env.TEST_MYSQL_URL;
  const shared = options.sameDatabaseAs;
  counter += 1;
  let databaseUrl: string;
  if (shared) {
    databaseUrl = shared.databaseUrl;
  } else if (mysqlBase) {
    const url = new URL(mysqlBase);
    url.pathname = `/${url.pathname.replace(/^\//, '') || 'pp_test'}_${process.pid}_${counter}`;
    databaseUrl = await recreateMysqlDatabase(url.toString());
  } else {
    databaseUrl = `sqlite:${join(dir, 'test.sqlite')}`;
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'test-secret-key',
    MAIL_TRANSPORT: `file:${join(dir, 'mail')}`,
    SMS_TRANSPORT: `file:${join(dir, 'sms')}`,
    DATA_DIR: dir,
    JOBS_INTERVAL_MS: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PORT: '0',
    // Suites send far more than 60 requests a minute with one token; rate-limit.e2e.ts tests R27 itself.
    RATE_LIMIT_PER_MINUTE: '100000',
    // Every request of a suite comes from 127.0.0.1; rate-limit.e2e.ts and login-throttle.e2e.ts test these.
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    LOGIN_CLIENT_MAX_FAILURES: '100000',
    LOGIN_DELAY_MS: '0',
    // directory.e2e.ts tests the per-address limit of createOfferRequest itself.
    OFFER_REQUESTS_PER_HOUR: '100000',
    ...options.env,
  });
  const { dataSource } = shared
    ? { dataSource: shared.dataSource }
    : await openAppDatabase(options.connectVia ? options.connectVia(databaseUrl) : databaseUrl);
  const clock = new TestClock();
  const app = await createServer({
    config,
    dataSource,
    clock,
    logger: options.logger,
    countStatements: options.countStatements,
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const mailDir = join(dir, 'mail');

  return {
    app,
    url,
    dataSource,
    clock,
    dialect: mysqlBase ? 'mysql' : 'sqlite',
    mailDir,
    smsDir: join(dir, 'sms'),
    dataDir: dir,
    databaseUrl,
    async gql(query, variables = {}, token = null) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse;
      const statements = response.headers.get('x-sql-statements');
      return { ...body, status: response.status, ...(statements === null ? {} : { statements: Number(statements) }) };
    },
    mails: () => readOutbox(mailDir),
    sms: () => readSmsOutbox(join(dir, 'sms')),
    async stop() {
      await app.stop();
      // The first instance owns the database: it closes and drops it.
      if (!shared) await dataSource.destroy();
      if (mysqlBase && !shared) await dropMysqlDatabase(databaseUrl);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The data of a response that must have no errors; fails the test with the errors otherwise. */
export function ok<T = any>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data)
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)} (status ${response.status})`);
  return response.data;
}

/** The `extensions.code` of the first error. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
