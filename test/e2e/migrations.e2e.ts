import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MYSQL_MIGRATIONS } from '../../migrations/mysql';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite';
import { schemaDiff } from '../../src/db/schema-drift';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const classNames = (migrations: { name: string }[]) => migrations.map((m) => m.name);
const filesOf = (dialect: string) =>
  readdirSync(join(__dirname, '..', '..', 'migrations', dialect))
    .filter((f) => /^\d+-\w+\.ts$/.test(f))
    .sort();

describe('migrations', () => {
  it('entities and the migrations agree on this database', async () => {
    expect(await server.dataSource.showMigrations()).toBe(false);
    expect((await schemaDiff(server.dataSource)).up).toEqual([]);
  });

  it('both dialects list the same migrations, in the same order, one class per file', () => {
    expect(classNames(SQLITE_MIGRATIONS)).toEqual(classNames(MYSQL_MIGRATIONS));
    expect(SQLITE_MIGRATIONS.length).toBeGreaterThan(0);
    for (const [dialect, migrations] of [
      ['sqlite', SQLITE_MIGRATIONS],
      ['mysql', MYSQL_MIGRATIONS],
    ] as const) {
      const fromFiles = filesOf(dialect).map((f) => {
        const [timestamp, name] = f.replace(/\.ts$/, '').split('-');
        return `${name}${timestamp}`;
      });
      expect(classNames(migrations)).toEqual(fromFiles);
    }
  });

  it('every migration can be reverted and applied again, ending where it started', async () => {
    const { dataSource } = server;
    for (let i = 0; i < dataSource.migrations.length; i += 1)
      await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await dataSource.showMigrations()).toBe(true);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toEqual(dataSource.migrations.map((m) => m.name));
    expect((await schemaDiff(dataSource)).up).toEqual([]);
  });
});
