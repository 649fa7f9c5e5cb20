import type { CliDatabase } from './cli-context';
import { CliError, UsageError } from './cli-context';

/** Where `export:billing` writes the file (stdout) and its progress (stderr, only on a terminal). */
export interface ExportSink {
  write(chunk: string): Promise<void>;
  progress?: { start(total: number): void; update(done: number): void; stop(): void };
}

export interface ExportArgs {
  partner: string;
  from: string;
  to: string;
  format: 'CSV' | 'JSONL';
  clients: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

type ArgValue = string | boolean | string[] | undefined;

const text = (value: ArgValue): string => (Array.isArray(value) ? value.join(' ') : String(value));

function dateArg(value: ArgValue, option: string): string {
  if (value === undefined) throw new UsageError(`${option} is required (YYYY-MM-DD).`);
  const date = text(value);
  const valid = DATE.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
  if (!valid) throw new UsageError(`${option} must be a date such as 2026-01-31, got "${date}".`);
  return date;
}

/** Checks the command line before anything is opened; every mistake is a UsageError saying what to fix. */
export function parseExportArgs(values: Record<string, ArgValue>): ExportArgs {
  if (values.partner === undefined || text(values.partner).trim() === '')
    throw new UsageError('--partner is required: the partner id (as in the API), its number or its code.');
  const from = dateArg(values.from, '--from');
  const to = dateArg(values.to, '--to');
  if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to}).`);
  const format = text(values.format ?? 'csv').toUpperCase();
  if (format !== 'CSV' && format !== 'JSONL')
    throw new UsageError(`--format must be csv or jsonl, got "${text(values.format)}".`);
  const clients = Array.isArray(values.client)
    ? values.client
    : values.client === undefined
      ? []
      : [text(values.client)];
  return { partner: text(values.partner).trim(), from, to, format, clients };
}

/**
 * `export:billing`: the same rows as exportClientBilling, for the platform (every client of the
 * partner), streamed to `sink` in keyset batches as they are read; returns the row count.
 */
export async function exportBilling(database: CliDatabase, args: ExportArgs, sink: ExportSink): Promise<number> {
  const [{ PartnerEntity }, { parseGlobalId }, rows, { formatterFor, formatChunks }, { ExportFormat }] =
    await Promise.all([
      import('../modules/partners/partner.entity'),
      import('../graphql/global-id'),
      import('../modules/exports/export-rows'),
      import('../modules/exports/export-format'),
      import('../modules/exports/billing-export.entity'),
    ]);
  const em = database.dataSource.manager;
  const global = parseGlobalId(args.partner);
  const partner =
    global?.type === 'Partner'
      ? await em.findOneBy(PartnerEntity, { id: global.id })
      : /^\d{1,9}$/.test(args.partner)
        ? await em.findOneBy(PartnerEntity, { id: Number(args.partner) })
        : await em.findOneBy(PartnerEntity, { code: args.partner.toUpperCase() });
  if (!partner) throw new CliError(`No partner "${args.partner}" (give its id, its number or its code).`);
  const clientIds = args.clients.map((id) => {
    const parsed = parseGlobalId(id);
    if (parsed?.type === 'Organization') return parsed.id;
    if (/^\d{1,9}$/.test(id)) return Number(id);
    throw new UsageError(`--client must be an organization id, got "${id}".`);
  });
  const scope = {
    partner,
    from: args.from,
    to: args.to,
    relationships: await rows.reachableRelationships(em, partner, null, clientIds.length ? clientIds : null),
  };
  const missing = rows.unreachableClients(clientIds, scope.relationships);
  if (missing.length) throw new CliError(`Organization ${missing[0]} was never an active client of this partner.`);
  const formatter = formatterFor(args.format === 'CSV' ? ExportFormat.CSV : ExportFormat.JSONL);
  // The header goes out first (first byte at once); the count (one statement per client) only for a progress bar.
  await sink.write(formatter.header());
  if (sink.progress) sink.progress.start(await rows.countRows(em, scope));
  let written = 0;
  try {
    for await (const batch of rows.billingRows(em, scope)) {
      for (const chunk of formatChunks(formatter, batch)) await sink.write(chunk);
      written += batch.length;
      sink.progress?.update(written);
    }
  } finally {
    sink.progress?.stop();
  }
  return written;
}
