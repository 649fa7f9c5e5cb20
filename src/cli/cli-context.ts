import type { DataSource } from 'typeorm';
import { Config, loadConfig } from '../config';
import type { Clock, RequestContext } from '../context';
import type { Services } from '../services';

/*
 * The application modules are loaded only once a command needs the database: `help` and argument
 * errors answer without transpiling the whole source tree (the CLI runs on ts-node).
 */

/** An expected failure (bad configuration, unknown user): the CLI prints the message alone and exits 1. */
export class CliError extends Error {}

/** A bad command line: the message says what to fix; the CLI prints it with the usage and exits 1. */
export class UsageError extends CliError {}

/** loadConfig() with its complaints (SECRET_KEY missing in production, bad PORT) as CliErrors. */
export function cliConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    throw new CliError(`configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where commands write: stdout for results (the token is the last line), stderr for errors. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** Raw output (a file streamed to stdout), resolving once the stream took it (backpressure). */
  write?(chunk: string): Promise<void>;
  /** A progress bar on stderr, when stderr is a terminal. */
  progress?(): { start(total: number): void; update(done: number): void; stop(): void } | undefined;
}

/** What a command that only reads and writes tables needs: the configuration and the migrated database. */
export interface CliDatabase {
  config: Config;
  dataSource: DataSource;
  /** Migrations the opening applied. */
  migrated: number;
}

/** What most commands need: the database, plus a context outside any request and the wired services. */
export interface CliSession extends CliDatabase {
  /** A system context (no viewer); commands acting as a user use `ctx.withViewer({ user, token: null, via: 'cli' })`. */
  ctx: RequestContext;
  /** The wired services (services.ts); they take `ctx` (or a context derived from it) as first argument. */
  services: Services;
}

/**
 * Opens the database of DATABASE_URL (applying pending migrations, as the server does) and nothing
 * else: the lean path for the exports, whose first byte counts (BENCHMARKS.md, "Billing export"):
 * the services pull in PDF, mail and GraphQL modules they never use. Closes the database when
 * `work` ends, whatever happens.
 */
export async function withDatabase<T>(
  work: (database: CliDatabase) => Promise<T>,
  options: { config?: Config } = {},
): Promise<T> {
  const config = options.config ?? cliConfig();
  const { openAppDatabase } = await import('../startup');
  const { dataSource, migrated } = await openAppDatabase(config.databaseUrl);
  try {
    return await work({ config, dataSource, migrated });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * withDatabase with the services and a system context, without building the GraphQL schema or the
 * HTTP server: the light path for a CLI command acting through the services.
 */
export async function withSession<T>(
  work: (session: CliSession) => Promise<T>,
  options: { clock?: Clock; config?: Config } = {},
): Promise<T> {
  const config = options.config ?? cliConfig();
  const [{ createServices }, { createMailer }, { RequestContext, systemClock }] = await Promise.all([
    import('../services'),
    import('../common/mail'),
    import('../context'),
  ]);
  const clock = options.clock ?? systemClock;
  return withDatabase(
    async ({ dataSource, migrated }) => {
      const services = createServices(config, createMailer(config.mailTransport, config.mailFrom));
      const ctx = new RequestContext(dataSource, dataSource.manager, null, clock, `cli-${process.pid}`);
      return work({ config, dataSource, migrated, ctx, services });
    },
    { config },
  );
}

/** The DATABASE_URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
