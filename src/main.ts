import 'reflect-metadata';
import { createServer } from './app';
import { ConfigError, loadConfig } from './config';
import { dialectOf } from './db/data-source';
import { openAppDatabase } from './startup';
import { seedDemoIfEmpty } from './cli/seed-demo';

/** Start-up only: config → database (migrations, catalog prices) → demo data (embedded only) → server → jobs. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { dataSource, migrated } = await openAppDatabase(config.databaseUrl);
  const app = await createServer({ config, dataSource });
  app.logger.info('database ready', { dialect: dialectOf(config.databaseUrl), migrationsApplied: migrated });

  if (!config.isProduction && dialectOf(config.databaseUrl) === 'sqlite') {
    const demo = await seedDemoIfEmpty(app.systemContext(), app.services);
    if (demo) printDemoLogin(demo, config.port);
  }

  await new Promise<void>((resolve) => app.httpServer.listen(config.port, resolve));
  const stopJobs = app.startScheduler();
  const stopExports = app.startExportWorker();
  app.logger.info('listening', {
    url: `http://localhost:${config.port}/`,
    graphql: `http://localhost:${config.port}/graphql`,
  });

  const shutdown = async (signal: string) => {
    app.logger.info('shutting down', { signal });
    stopJobs();
    stopExports();
    await app.stop();
    await dataSource.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function printDemoLogin(
  demo: { logins: Array<{ email: string; password: string; role: string }> },
  port: number,
): void {
  const lines = [
    '',
    'Demo data seeded. Open GraphiQL at http://localhost:' + port + '/ and log in with:',
    ...demo.logins.map((l) => `  ${l.email.padEnd(26)} password: ${l.password}   (${l.role})`),
    'then send the returned token as the header  Authorization: Bearer <token>',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  // A configuration mistake is the operator's to fix: its message says how, a stack trace would only hide it.
  const reason = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`partner-platform failed to start: ${reason}\n`);
  process.exit(1);
});
