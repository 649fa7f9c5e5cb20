import { parseArgs, ParseArgsConfig } from 'node:util';
import type { StaffRole } from '../modules/accounts/user.entity';
import { cliConfig, CliError, CliOutput, redactUrl, UsageError, withDatabase, withSession } from './cli-context';

// Application modules are imported inside the commands, after the arguments were checked (see cli-context.ts).
const STAFF_ROLES: string[] = ['ADMIN', 'SUPPORT'] satisfies `${StaffRole}`[];

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Options;
  /** Names of the positional arguments it takes (all required); none by default. */
  positionals?: string[];
  /** Returns the exit code. Arguments are checked before the database is opened. */
  run(values: Values, output: CliOutput, positionals: string[]): Promise<number>;
}

const commands: Command[] = [
  {
    name: 'migrate',
    usage: 'migrate',
    summary: 'Apply pending migrations to DATABASE_URL and print how many ran.',
    options: {},
    run: (_values, output) =>
      withDatabase(async ({ config, migrated }) => {
        output.out(
          `${migrated} migration(s) applied to ${redactUrl(config.databaseUrl)}${migrated === 0 ? ' (already up to date)' : ''}.`,
        );
        return 0;
      }),
  },
  {
    name: 'staff:create',
    usage: 'staff:create --email E --role ADMIN|SUPPORT [--name N]',
    summary:
      "Create a staff user (no password) or change an existing user's staff role; prints a new API token as the last line.",
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
    async run(values, output) {
      const email = await emailArg(values);
      const role = String(values.role ?? '').toUpperCase();
      if (!STAFF_ROLES.includes(role))
        throw new UsageError(`--role must be ${STAFF_ROLES.join(' or ')}, got "${values.role ?? ''}".`);
      const name = await textArg(values.name === undefined ? email.split('@')[0] : String(values.name), '--name', 120);
      const [{ UserEntity }, { MembershipEntity }, { ALL_SCOPES }] = await Promise.all([
        import('../modules/accounts/user.entity'),
        import('../modules/organizations/membership.entity'),
        import('../modules/accounts/auth.service'),
      ]);
      const staffRole = role as StaffRole;
      const { existing, previous, secret } = await withSession(({ ctx, services }) =>
        ctx.transaction(async (ctx) => {
          const existing = await ctx.em.findOneBy(UserEntity, { email });
          const user =
            existing ?? ctx.em.create(UserEntity, { email, name, passwordHash: null, staffRole, createdAt: ctx.now() });
          const previous = existing?.staffRole ?? null;
          user.staffRole = staffRole;
          await ctx.em.save(user);
          const asUser = ctx.withViewer({ user, token: null, via: 'cli' });
          if (previous !== staffRole) {
            // A customer account turned staff: each of its organizations sees the change of access.
            for (const m of await ctx.em.findBy(MembershipEntity, { userId: user.id })) {
              await services.audit.record(
                asUser,
                m.organizationId,
                'user.staff_role_changed',
                `user:${user.id} (${email}) ${previous ?? 'none'} -> ${role}`,
              );
            }
          }
          const { secret } = await services.apiTokens.create(asUser, {
            name: `staff ${role.toLowerCase()} (cli)`,
            scopes: ALL_SCOPES,
          });
          return { existing, previous, secret };
        }),
      );
      output.out(
        !existing
          ? `Created staff user ${email} with role ${role}.`
          : previous === staffRole
            ? `${email} already has staff role ${role}.`
            : `Changed the staff role of ${email} from ${previous ?? 'none'} to ${role}.`,
      );
      output.out('API token (shown only now; send it as "Authorization: Bearer <token>"):');
      output.out(secret);
      return 0;
    },
  },
  {
    name: 'token:create',
    usage: 'token:create --email E --name N',
    summary: 'Create an API token (scopes read, write) for an existing user; prints it as the last line.',
    options: { email: { type: 'string' }, name: { type: 'string' } },
    async run(values, output) {
      const email = await emailArg(values);
      if (values.name === undefined)
        throw new UsageError('--name is required (a label for the token, e.g. "deploy script").');
      const name = await textArg(String(values.name), '--name', 100);
      const [{ UserEntity }, { ALL_SCOPES }] = await Promise.all([
        import('../modules/accounts/user.entity'),
        import('../modules/accounts/auth.service'),
      ]);
      return withSession(async ({ ctx, services }) => {
        const user = await ctx.em.findOneBy(UserEntity, { email });
        if (!user)
          throw new CliError(
            `No user with email ${email}; token:create is for existing users (staff:create makes staff users).`,
          );
        const { secret } = await services.apiTokens.create(ctx.withViewer({ user, token: null, via: 'cli' }), {
          name,
          scopes: ALL_SCOPES,
        });
        output.out(`API token "${name}" created for ${email} (scopes ${ALL_SCOPES.join(', ')}); shown only now:`);
        output.out(secret);
        return 0;
      });
    },
  },
  {
    name: 'jobs:run',
    usage: 'jobs:run [--now ISO-8601]',
    summary: 'Run every scheduled sweep once as of --now (default: the current time); one line per job.',
    options: { now: { type: 'string' } },
    async run(values, output) {
      const now = values.now === undefined ? null : parseInstant(String(values.now));
      const clock = now ? { now: () => new Date(now) } : undefined;
      const [{ createJobLock }, { createJobs, runJobs }] = await Promise.all([
        import('../jobs/lock'),
        import('../jobs/runner'),
      ]);
      return withSession(
        async ({ config, dataSource, ctx, services }) => {
          const lock = createJobLock(config.redisUrl, dataSource);
          try {
            const runs = await runJobs(ctx, ctx.now(), createJobs(services), { lock });
            if (runs.length === 0) output.out('No scheduled jobs are registered.');
            for (const run of runs) {
              if (run.error) output.err(`${run.name}: failed: ${run.error.message}`);
              output.out(
                run.error
                  ? `${run.name}: failed`
                  : run.skipped
                    ? `${run.name}: skipped (running elsewhere)`
                    : `${run.name}: ${run.changed} changed`,
              );
            }
            return runs.some((r) => r.error) ? 1 : 0;
          } finally {
            await lock.close();
          }
        },
        { clock },
      );
    },
  },
  {
    name: 'export:billing',
    usage: 'export:billing --partner ID --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|jsonl] [--client ORG_ID …]',
    summary:
      "Write a partner's client billing export (R33; README lists the columns) to stdout; a progress bar on stderr when it is a terminal.",
    options: {
      partner: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      client: { type: 'string', multiple: true },
    },
    async run(values, output) {
      const { parseExportArgs, exportBilling } = await import('./export-billing');
      // --client may repeat: parseArgs gives a list for it.
      const args = parseExportArgs(values);
      return withDatabase(async (database) => {
        const rows = await exportBilling(database, args, {
          write: (chunk) =>
            output.write ? output.write(chunk) : Promise.resolve(output.out(chunk.replace(/\n$/, ''))),
          progress: output.progress?.(),
        });
        output.err(`${rows} row(s) exported.`);
        return 0;
      });
    },
  },
  {
    name: 'exports:work',
    usage: 'exports:work',
    summary:
      'Run queued billing exports until none is left (the in-process worker does the same every EXPORTS_POLL_MS).',
    options: {},
    async run(_values, output) {
      const { ExportWorker } = await import('../modules/exports/export-worker');
      return withDatabase(async ({ config, dataSource }) => {
        const ran = await new ExportWorker(dataSource, { now: () => new Date() }, config.exportsDir).drain();
        output.out(`${ran} export(s) run.`);
        return 0;
      });
    },
  },
  {
    name: 'payments:pending',
    usage: 'payments:pending',
    summary: 'List bank transfers waiting to be reconciled (payment id, organization, amount, reference).',
    options: {},
    async run(_values, output) {
      const [{ PaymentEntity, PaymentStatus }, { formatDecimal }, { toGlobalId }] = await Promise.all([
        import('../modules/payments/payment.entity'),
        import('../calc/money'),
        import('../graphql/global-id'),
      ]);
      return withSession(async ({ ctx }) => {
        const pending = await ctx.em.find(PaymentEntity, {
          where: { status: PaymentStatus.PENDING },
          order: { id: 'ASC' },
        });
        if (pending.length === 0) output.out('No bank transfer is waiting.');
        for (const p of pending) {
          output.out(
            `${p.id}\t${toGlobalId('Payment', p.id)}\torganization ${p.organizationId}\t${formatDecimal(p.methodAmount)} ${p.currency}\t${p.purpose}`,
          );
        }
        return 0;
      });
    },
  },
  {
    name: 'payments:reconcile',
    usage: 'payments:reconcile --payment ID',
    summary:
      'Record that a pending bank transfer arrived (R15): the payment succeeds and its pro-forma invoices or top-up are settled.',
    options: { payment: { type: 'string' } },
    async run(values, output) {
      const raw = String(values.payment ?? '').trim();
      const { parseGlobalId } = await import('../graphql/global-id');
      const global = parseGlobalId(raw);
      const paymentId = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : global?.type === 'Payment' ? global.id : null;
      if (paymentId === null)
        throw new UsageError(`--payment must be a payment id (a number or a Payment global id), got "${raw}".`);
      return withSession(async ({ ctx, services }) => {
        const { payment, changed } = await services.payments.reconcile(ctx.asSystem(), paymentId);
        output.out(
          changed
            ? `Payment ${payment.id} reconciled: ${payment.purpose}.`
            : `Payment ${payment.id} was already settled; nothing changed.`,
        );
        return 0;
      });
    },
  },
  {
    name: 'payments:import',
    usage: 'payments:import FILE.xml',
    summary:
      'Import a camt.054 bank notification: credits with an exact amount pay their invoice or top-up, the rest is kept unmatched; a file imported again changes nothing; a malformed file changes nothing and exits 1.',
    options: {},
    positionals: ['FILE.xml'],
    async run(_values, output, [file]) {
      const { readFile } = await import('node:fs/promises');
      const xml = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${error.code ?? error.message}`);
      });
      const { importLines } = await import('./bank-statement-lines');
      return withSession(async ({ ctx, services }) => {
        const summary = await services.bankStatements.importCamt054(ctx.asSystem(), xml);
        for (const line of importLines(file, summary)) output.out(line);
        return 0;
      });
    },
  },
  {
    name: 'payments:unmatched',
    usage: 'payments:unmatched',
    summary:
      'List imported bank credits that paid nothing (id, reason, amount, booking date, bank reference, reference, payer, message).',
    options: {},
    async run(_values, output) {
      const [{ creditLine }, { BankCreditStatus }] = await Promise.all([
        import('./bank-statement-lines'),
        import('../modules/payments/bank-credit.entity'),
      ]);
      return withSession(async ({ ctx, services }) => {
        const staff = ctx.asSystem();
        let after: string | null = null;
        let listed = 0;
        do {
          const page = await services.bankStatements.list(staff, BankCreditStatus.UNMATCHED, {
            first: 100,
            after,
          });
          for (const edge of page.edges) output.out(creditLine(edge.node));
          listed += page.edges.length;
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        if (listed === 0) output.out('No unmatched bank credit.');
        return 0;
      });
    },
  },
  {
    name: 'payments:resolve-credit',
    usage: 'payments:resolve-credit --credit ID --note TEXT',
    summary:
      'Record that staff dealt with an unmatched bank credit (refunded it, reconciled by hand); it leaves the list.',
    options: { credit: { type: 'string' }, note: { type: 'string' } },
    async run(values, output) {
      const raw = String(values.credit ?? '').trim();
      const { parseGlobalId } = await import('../graphql/global-id');
      const global = parseGlobalId(raw);
      const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : global?.type === 'BankCredit' ? global.id : null;
      if (id === null)
        throw new UsageError(`--credit must be a bank credit id (as payments:unmatched lists), got "${raw}".`);
      if (values.note === undefined)
        throw new UsageError('--note is required (what was done, e.g. "refunded to CH93…").');
      return withSession(async ({ ctx, services }) => {
        const credit = await services.bankStatements.resolve(ctx.asSystem(), id, String(values.note));
        output.out(`Bank credit ${credit.id} (${credit.bankReference}) resolved.`);
        return 0;
      });
    },
  },
  {
    name: 'seed:demo',
    usage: 'seed:demo',
    summary: 'Seed the demo data set into an empty database (never with NODE_ENV=production).',
    options: {},
    async run(_values, output) {
      const config = cliConfig();
      if (config.isProduction) throw new CliError('seed:demo refuses to run with NODE_ENV=production.');
      const { seedDemoIfEmpty } = await import('./seed-demo');
      return withSession(
        async ({ ctx, services }) => {
          const demo = await seedDemoIfEmpty(ctx, services);
          if (!demo) {
            output.out('The database already has users: seed:demo only seeds an empty database. Nothing changed.');
            return 0;
          }
          output.out('Demo data seeded. Log in with:');
          for (const login of demo.logins) output.out(`  ${login.email}  password: ${login.password}  (${login.role})`);
          return 0;
        },
        { config },
      );
    },
  },
];

/** The services' own email rule (trimmed, lower-case), reported as a usage error. */
async function emailArg(values: Values): Promise<string> {
  if (values.email === undefined) throw new UsageError('--email is required.');
  const { requireEmail } = await import('../common/validate');
  return asUsageError('--email', () => requireEmail(String(values.email), ['--email']));
}

async function textArg(value: string, option: string, max: number): Promise<string> {
  const { requireText } = await import('../common/validate');
  return asUsageError(option, () => requireText(value, [option], { max, label: option }));
}

function asUsageError<T>(option: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.startsWith(option) ? message : `${option}: ${message}`);
  }
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO-8601 date or date-time; without an offset it is UTC. Impossible dates (Feb 30) are refused. */
export function parseInstant(text: string): Date {
  const match = ISO_INSTANT.exec(text.trim());
  const invalid = () =>
    new UsageError(
      `--now must be an ISO-8601 date or date-time such as 2026-03-01 or 2026-03-01T02:00:00Z, got "${text}".`,
    );
  if (!match) throw invalid();
  const [, y, mo, d, h = '00', mi = '00', s = '00', offset] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${text.match(/\.\d+/)?.[0] ?? ''}${offset ?? 'Z'}`);
  const calendar = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const exists =
    calendar.getUTCFullYear() === Number(y) &&
    calendar.getUTCMonth() === Number(mo) - 1 &&
    calendar.getUTCDate() === Number(d);
  if (Number.isNaN(date.getTime()) || !exists || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw invalid();
  return date;
}

export function helpText(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '  help',
    '      Show this text.',
    '',
    'The database is DATABASE_URL (default sqlite:./data/partner-platform.sqlite); pending migrations run first.',
  ].join('\n');
}

/** Runs one command line; returns the exit code. Usage and input errors print a clear message and give 1. */
export async function runCli(argv: string[], output: CliOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    output.out(helpText());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command)
      throw new UsageError(`Unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}, help.`);
    const { values, positionals } = parseOptions(command, rest);
    return await command.run(values, output, positionals);
  } catch (error) {
    const { BusinessError } = await import('../graphql/base-errors');
    if (error instanceof CliError || error instanceof BusinessError) {
      output.err(`error: ${error.message}`);
      if (command && error instanceof UsageError) output.err(`usage: npm run cli -- ${command.usage}`);
      return 1;
    }
    output.err(`error: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

function parseOptions(command: Command, args: string[]): { values: Values; positionals: string[] } {
  const expected = command.positionals ?? [];
  let parsed;
  try {
    parsed = parseArgs({ args, options: command.options, strict: true, allowPositionals: expected.length > 0 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(
        `Unknown option ${/'([^']+)'/.exec((error as Error).message)?.[1] ?? ''} for ${command.name}.`,
      );
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError((error as Error).message.replace(/ argument missing$/, ' needs a value.'));
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(
        `Unexpected argument ${/'([^']+)'/.exec((error as Error).message)?.[1] ?? ''}: ${command.name} takes only options.`,
      );
    throw error;
  }
  if (parsed.positionals.length !== expected.length)
    throw new UsageError(`${command.name} takes ${expected.join(' ')}, got ${parsed.positionals.length} argument(s).`);
  return { values: parsed.values as Values, positionals: parsed.positionals };
}
