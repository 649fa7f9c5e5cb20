import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from '../../migrations/mysql';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(url: string): Dialect {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) return 'mysql';
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:, got "${url}"`);
}

/** MySQL and MariaDB differ in how they report column defaults, so TypeORM must know which it talks to. */
export type MysqlFlavor = 'mysql' | 'mariadb';

/**
 * Builds the TypeORM DataSource for a DATABASE_URL (`sqlite:./file.sqlite` or `mysql://user:pass@host:3306/db`).
 * `flavor` defaults to what the scheme says (`mariadb://` → MariaDB); `openDatabase` asks the server.
 */
export function createDataSource(url: string, flavor?: MysqlFlavor): DataSource {
  return new DataSource(dataSourceOptions(url, flavor));
}

/** Asks a MySQL-protocol server whether it is MariaDB. */
export async function detectMysqlFlavor(url: string): Promise<MysqlFlavor> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url.replace(/^mariadb:/, 'mysql:') });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return /mariadb/i.test(String((rows as Array<{ version: string }>)[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

export function dataSourceOptions(url: string, flavor?: MysqlFlavor): DataSourceOptions {
  const common = { entities: ENTITIES, synchronize: false, migrationsRun: false, logging: false as const };
  if (dialectOf(url) === 'sqlite') {
    const database = url.slice('sqlite:'.length) || ':memory:';
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      migrations: SQLITE_MIGRATIONS,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: flavor ?? (url.startsWith('mariadb:') ? 'mariadb' : 'mysql'),
    url: url.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 20 },
    migrations: MYSQL_MIGRATIONS,
  };
}

/**
 * Opens the database and applies pending migrations; returns how many ran. `seed` runs after them
 * under the same lock (start-up seeds the catalog prices there, startup.ts). Any number of instances
 * may start at once on an empty database: the migrations run under a database lock, so one instance
 * migrates and the others wait, then find nothing to do.
 */
export async function openDatabase(
  url: string,
  seed: (dataSource: DataSource) => Promise<unknown> = async () => undefined,
): Promise<{ dataSource: DataSource; migrated: number }> {
  const dataSource = await connectDataSource(url);
  try {
    const ran = await withMigrationLock(dataSource, async () => {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      await seed(dataSource);
      return applied;
    });
    return { dataSource, migrated: ran.length };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** How long an instance waits for another one's migrations before giving up. */
export const MIGRATION_LOCK_WAIT_S = 300;

/**
 * Runs `work` holding the database's migration lock. MySQL/MariaDB: GET_LOCK on one connection of
 * the pool, named after the database (locks are server-wide; other databases on the server are not
 * held up), released by RELEASE_LOCK or by the connection closing if the process dies. SQLite is
 * one process by design (an embedded file), so nothing to lock.
 */
export async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ name }] = (await runner.query('SELECT DATABASE() AS name')) as Array<{ name: string }>;
    const lock = `pp:migrations:${name}`.slice(0, 64);
    const [{ got }] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [lock, MIGRATION_LOCK_WAIT_S])) as Array<{
      got: number | string | null;
    }>;
    if (Number(got) !== 1)
      throw new Error(
        `Another instance has been migrating database ${name} for ${MIGRATION_LOCK_WAIT_S} s (lock "${lock}"); start again once it is done.`,
      );
    try {
      return await work();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await runner.release();
  }
}

/** Creates and initializes the data source, asking a MySQL-protocol server which flavor it is. */
export async function connectDataSource(url: string): Promise<DataSource> {
  const flavor = dialectOf(url) === 'mysql' ? await detectMysqlFlavor(url) : undefined;
  const dataSource = createDataSource(url, flavor);
  await dataSource.initialize();
  return dataSource;
}

/**
 * A short stable name for the database a data source points at (host, port, database; never the
 * password): what a deployment's keys in a shared Redis are named after, so deployments (or test
 * databases) sharing one Redis never share job locks, rate-limit budgets or log-in throttling.
 */
export function databaseIdentity(dataSource: DataSource): string {
  const options = dataSource.options as { type: string; database?: string; url?: string };
  let where = `${options.type}:${options.database ?? ''}`;
  if (options.url) {
    const url = new URL(options.url);
    where = `${options.type}:${url.hostname}:${url.port}${url.pathname}`;
  }
  return createHash('sha256').update(where).digest('hex').slice(0, 12);
}
