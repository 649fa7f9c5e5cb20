/**
 * `npm run bench:export` (R33): exports 1,000,000 invoice lines and records peak RSS, lines/s and
 * time to first byte, next to `mariadb --batch --quick` dumping the same rows on the same machine.
 * Not a test. Appends a section to BENCHMARKS.md and writes the raw numbers to
 * bench/results/export-<date>.json.
 *
 *   BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/pp_bench_export; the database is recreated)
 *   BENCH_EXPORT_LINES (default 1000000; a multiple of 10 × BENCH_EXPORT_CLIENTS)
 *   BENCH_EXPORT_CLIENTS (default 100)
 *   BENCH_EXPORT_SEED_ONLY=1: seed the database, keep it and stop (to profile the CLI against it:
 *     DATABASE_URL=<url> node --cpu-prof dist/src/cli/index.js export:billing --partner PBENCH …)
 *
 * `benchExport({ dialect, lines })` runs the same measurements from another script (bench/run.ts)
 * and returns the report; `exportMarkdown` renders its section.
 */
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { toGlobalId } from '../src/graphql/global-id';
import { ExportLinks } from '../src/modules/exports/export-links';
import { openAppDatabase } from '../src/startup';
import { dropMysqlDatabase, recreateMysqlDatabase } from '../test/helpers/mysql';

const ROOT = join(__dirname, '..');
const LINES_PER_INVOICE = 10;
const SECRET_KEY = 'bench-secret-key-bench-secret-key';
const PARTNER_CODE = 'PBENCH';
const FROM = '2026-01-01';
const TO = '2026-12-31';

const log = (message: string) => process.stderr.write(`[bench:export] ${message}\n`);

const isSqlite = (ds: DataSource) => ds.options.type === 'better-sqlite3';

/** A parameter as the dialect stores it: SQLite keeps dates as TypeORM writes them, UTC text. */
const param = (ds: DataSource) => (value: unknown) =>
  value instanceof Date && isSqlite(ds) ? value.toISOString().replace('T', ' ').replace('Z', '') : value;

async function insertChunks(ds: DataSource, table: string, columns: string[], rows: unknown[][]) {
  const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  // SQLite takes at most 32,766 parameters per statement.
  const perStatement = isSqlite(ds) ? 1000 : 2000;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    await ds.query(head + chunk.map(() => tuple).join(', '), chunk.flat().map(param(ds)));
  }
}

/** One partner, `clients` client organizations with an active relationship each, their products, invoices and lines. */
async function seed(ds: DataSource, lineCount: number, clients: number): Promise<number> {
  const invoicesPerClient = Math.ceil(lineCount / LINES_PER_INVOICE / clients);
  const now = new Date('2026-01-01T00:00:00Z');
  await insertChunks(
    ds,
    'organization',
    ['id', 'name', 'kind', 'currency', 'country', 'createdAt'],
    Array.from({ length: clients + 1 }, (_, i) => [
      i + 1,
      i === 0 ? 'Bench Partner SA' : `Client ${i}, "Bench" SA`,
      'COMPANY',
      'CHF',
      'CH',
      now,
    ]),
  );
  // The partner's legal representative: the queued job runs with its reach (every client).
  await insertChunks(ds, 'user', ['id', 'email', 'name', 'createdAt'], [[1, 'owner@bench.example.ch', 'Owner', now]]);
  await insertChunks(
    ds,
    'membership',
    [
      'organizationId',
      'userId',
      'role',
      'billingAccess',
      'productIds',
      'notifyBilling',
      'notifyTechnical',
      'notifyAdministrative',
      'createdAt',
    ],
    [[1, 1, 'LEGAL_REPRESENTATIVE', 1, '[]', 1, 1, 1, now]],
  );
  await insertChunks(
    ds,
    'partner',
    [
      'id',
      'organizationId',
      'code',
      'status',
      'companyRegistrationId',
      'website',
      'appliedById',
      'appliedAt',
      'createdAt',
    ],
    [[1, 1, PARTNER_CODE, 'ACTIVE', 'CHE-123.456.788', 'https://bench.example.ch', 1, now, now]],
  );
  await insertChunks(
    ds,
    'client_relationship',
    [
      'id',
      'partnerId',
      'partnerOrganizationId',
      'clientOrganizationId',
      'status',
      'scope',
      'level',
      'billingMode',
      'pairKey',
      'requestedById',
      'startedAt',
      'createdAt',
    ],
    Array.from({ length: clients }, (_, i) => [
      i + 1,
      1,
      1,
      i + 2,
      'ACTIVE',
      'FULL_ACCOUNT',
      'MANAGE',
      'CLIENT_PAYS',
      `1:${i + 2}`,
      1,
      now,
      now,
    ]),
  );
  await insertChunks(
    ds,
    'product',
    [
      'id',
      'organizationId',
      'type',
      'name',
      'status',
      'billingPeriod',
      'price',
      'currency',
      'expiresAt',
      'autoRenew',
      'createdAt',
    ],
    Array.from({ length: clients }, (_, i) => [
      i + 1,
      i + 2,
      'WEB_HOSTING',
      `site-${i + 1}.ch`,
      'ACTIVE',
      'YEARLY',
      34720,
      'CHF',
      new Date('2027-01-01T00:00:00Z'),
      0,
      now,
    ]),
  );
  let lineId = 1;
  let invoiceId = 1;
  const lineColumns = [
    'id',
    'invoiceId',
    'organizationId',
    'position',
    'description',
    'productType',
    'billingPeriod',
    'productId',
    'quantity',
    'listAmount',
    'degressiveDiscount',
    'partnerDiscount',
    'netAmount',
    'vatRateBp',
    'vatAmount',
    'grossAmount',
    'periodStart',
    'periodEnd',
  ];
  const invoiceColumns = [
    'id',
    'organizationId',
    'billedToOrganizationId',
    'payer',
    'subject',
    'subjectId',
    'number',
    'status',
    'currency',
    'issuedAt',
    'dueAt',
    'paidAt',
    'subtotal',
    'vat',
    'total',
    'amountPaid',
    'createdAt',
  ];
  let written = 0;
  for (let client = 0; client < clients && written < lineCount; client += 1) {
    const orgId = client + 2;
    const invoices: unknown[][] = [];
    const lines: unknown[][] = [];
    for (let n = 0; n < invoicesPerClient && written < lineCount; n += 1) {
      const issuedAt = new Date(Date.UTC(2026, 0, 1 + (n % 360), 10));
      const count = Math.min(LINES_PER_INVOICE, lineCount - written);
      invoices.push([
        invoiceId,
        orgId,
        orgId,
        'CLIENT',
        'RENEWAL',
        client + 1,
        `2026-${String(invoiceId).padStart(7, '0')}`,
        'PAID',
        'CHF',
        issuedAt,
        new Date(issuedAt.getTime() + 30 * 86400_000),
        issuedAt,
        count * 27776,
        count * 2250,
        count * 30026,
        count * 30026,
        issuedAt,
      ]);
      for (let position = 0; position < count; position += 1)
        lines.push([
          lineId++,
          invoiceId,
          orgId,
          position,
          `Web hosting, 1 year (${position + 1})`,
          'WEB_HOSTING',
          'YEARLY',
          client + 1,
          1,
          34720,
          0,
          6944,
          27776,
          810,
          2250,
          30026,
          '2026-01-01',
          '2026-12-31',
        ]);
      invoiceId += 1;
      written += count;
    }
    await insertChunks(ds, 'invoice', invoiceColumns, invoices);
    await insertChunks(ds, 'invoice_line', lineColumns, lines);
    if ((client + 1) % 10 === 0) log(`seeded ${written} lines`);
  }
  return written;
}

interface Run {
  seconds: number;
  timeToFirstByteMs: number | null;
  bytes: number;
  lines: number;
  peakRssMb: number | null;
  exitCode: number | null;
}

/** Runs a command with stdout piped here (counted, not kept); samples its peak RSS (VmHWM) from /proc. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // stdout to a file: the child writes synchronously (no first byte nor line count seen from here).
    const fd = stdoutFile === undefined ? null : openSync(stdoutFile, 'w');
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    if (fd !== null) closeSync(fd);
    let firstByte: bigint | null = null;
    let bytes = 0;
    let lines = 0;
    let peakKb: number | null = null;
    let stderr = '';
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKb = Math.max(peakKb ?? 0, Number(hwm[1]));
      } catch {
        // the process is gone
      }
    };
    const timer = setInterval(sample, 20);
    child.stdout?.on('data', (chunk: Buffer) => {
      firstByte ??= process.hrtime.bigint();
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
      sample();
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) log(`${command} exited ${code}: ${stderr.slice(-500)}`);
      const ended = process.hrtime.bigint();
      resolve({
        seconds: Number(ended - started) / 1e9,
        timeToFirstByteMs: firstByte ? Number(firstByte - started) / 1e6 : null,
        bytes: stdoutFile === undefined ? bytes : statSync(stdoutFile).size,
        lines,
        peakRssMb: peakKb === null ? null : Math.round((peakKb / 1024) * 10) / 10,
        exitCode: code,
      });
    });
  });
}

/** The same rows as the export, straight from the database: the floor the export is compared with. */
const DUMP_SQL = `SELECT p.code, o.id, o.name, i.number, i.issuedAt, i.dueAt, i.paidAt, i.status, i.payer, l.productId, l.productType,
  pr.name, l.description, l.periodStart, l.periodEnd, l.quantity, l.listAmount, l.degressiveDiscount, l.partnerDiscount,
  l.netAmount, l.vatRateBp, l.vatAmount, l.grossAmount, i.currency
FROM client_relationship r JOIN partner p ON p.id = r.partnerId JOIN organization o ON o.id = r.clientOrganizationId
JOIN invoice_line l ON l.organizationId = r.clientOrganizationId JOIN invoice i ON i.id = l.invoiceId
LEFT JOIN product pr ON pr.id = l.productId
WHERE r.partnerId = 1 AND i.issuedAt >= '${FROM} 00:00:00' AND i.issuedAt < '2027-01-01 00:00:00' AND i.issuedAt >= r.startedAt
ORDER BY r.id, l.id`;

/** The database's own client dumping DUMP_SQL: `mariadb --batch --quick`, or `sqlite3 -csv`. */
function dumpCommand(url: string): [string, string[]] {
  if (url.startsWith('sqlite:')) return ['sqlite3', ['-csv', url.slice('sqlite:'.length), DUMP_SQL]];
  const parsed = new URL(url);
  return [
    'mariadb',
    [
      '--batch',
      '--quick',
      '-h',
      parsed.hostname,
      '-P',
      parsed.port || '3306',
      '-u',
      decodeURIComponent(parsed.username || 'root'),
      ...(parsed.password ? [`-p${decodeURIComponent(parsed.password)}`] : []),
      parsed.pathname.slice(1),
      '-e',
      DUMP_SQL,
    ],
  ];
}

/** Starts the server on `port` and resolves once /healthz answers (the server is stopped by the caller). */
async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ReturnType<typeof spawn>> {
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), EXPORTS_POLL_MS: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const up = await new Promise<boolean>((resolve) =>
      http
        .get(`http://127.0.0.1:${port}/healthz`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false)),
    );
    if (up) return server;
    if (server.exitCode !== null) throw new Error(`the server exited ${server.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.kill();
  throw new Error('the server did not answer /healthz within 30 s');
}

/** GET of a completed export's signed link: time to the first byte of the body, bytes, seconds. */
function download(url: string): Promise<{ timeToFirstByteMs: number; seconds: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, (res) => {
        let firstByte: bigint | null = null;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          firstByte ??= process.hrtime.bigint();
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            timeToFirstByteMs: firstByte ? Number(firstByte - started) / 1e6 : -1,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            bytes,
            status: res.statusCode ?? 0,
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export interface ExportBenchOptions {
  dialect: 'sqlite' | 'mysql';
  /** Invoice lines to seed and export (a multiple of 10 × clients). */
  lines: number;
  /** Client organizations of the partner (default 100). */
  clients?: number;
  /** MariaDB: the database to recreate (default mysql://root@127.0.0.1:3306/pp_bench_export). */
  mysqlUrl?: string;
  /** Seed, keep the database and return null (to profile the CLI against it). */
  seedOnly?: boolean;
}

/**
 * Seeds `lines` invoice lines on the dialect, then measures, each in its own process: the CLI export as
 * CSV (default heap, and capped at 96 MB) and as JSON Lines, the queued job (`exports:work`), the signed
 * download of its file over HTTP, and the database's own client dumping the same rows. Returns the report.
 */
export async function benchExport(options: ExportBenchOptions): Promise<ExportBenchReport | null> {
  const clients = options.clients ?? 100;
  const loadBefore = os.loadavg();
  const dataDir = join(os.tmpdir(), `pp-bench-export-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const url =
    options.dialect === 'sqlite'
      ? `sqlite:${join(dataDir, 'export.sqlite')}`
      : await recreateMysqlDatabase(options.mysqlUrl ?? 'mysql://root@127.0.0.1:3306/pp_bench_export');
  const { dataSource } = await openAppDatabase(url);
  const seedStart = Date.now();
  const seeded = await seed(dataSource, options.lines, clients);
  const seedSeconds = (Date.now() - seedStart) / 1000;
  log(`seeded ${seeded} invoice lines in ${seedSeconds.toFixed(1)} s`);
  if (options.seedOnly) {
    await dataSource.destroy();
    log(`kept ${url} (partner ${PARTNER_CODE}, ${FROM}..${TO})`);
    return null;
  }

  execFileSync(process.execPath, ['scripts/build-if-stale.js'], { cwd: ROOT, stdio: 'inherit' });
  const env = {
    ...process.env,
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    SECRET_KEY,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  };
  const cli = (format: string, extraEnv: NodeJS.ProcessEnv = {}, stdoutFile?: string) =>
    measure(
      process.execPath,
      [
        'dist/src/cli/index.js',
        'export:billing',
        '--partner',
        PARTNER_CODE,
        '--from',
        FROM,
        '--to',
        TO,
        '--format',
        format,
      ],
      { ...env, ...extraEnv },
      stdoutFile,
    );
  log('export:billing --format csv');
  const csv = await cli('csv');
  log(`csv: ${JSON.stringify(csv)}`);
  // The same export with V8's old space capped: it completes, so what it holds does not grow with the rows;
  // the default run's higher RSS is V8 letting garbage accumulate before collecting, not retained rows.
  log('export:billing --format csv, heap capped at 96 MB');
  const capped = await cli('csv', { NODE_OPTIONS: '--max-old-space-size=96' });
  log(`capped: ${JSON.stringify(capped)}`);
  log('export:billing --format jsonl');
  const jsonl = await cli('jsonl');
  log(`jsonl: ${JSON.stringify(jsonl)}`);
  // stdout redirected to a file: a synchronous sink (with SQLite, a synchronous source too).
  log('export:billing --format jsonl > file');
  const jsonlToFile = await cli('jsonl', {}, join(dataDir, 'export.jsonl'));
  log(`jsonl > file: ${JSON.stringify(jsonlToFile)}`);
  rmSync(join(dataDir, 'export.jsonl'), { force: true });

  // The background-job path: a QUEUED row run by `exports:work` (count, temp file, lease renewals, rename).
  await insertChunks(
    dataSource,
    'billing_export',
    [
      'partnerId',
      'requestedById',
      'format',
      'status',
      'fromDate',
      'toDate',
      'progressPermyriad',
      'attempts',
      'createdAt',
    ],
    [[1, 1, 'CSV', 'QUEUED', FROM, TO, 0, 0, new Date()]],
  );
  log('exports:work (the queued job, to a file)');
  const job = await measure(process.execPath, ['dist/src/cli/index.js', 'exports:work'], env);
  const [jobRow] = await dataSource.query('SELECT id, status, rowCount, fileName, expiresAt FROM billing_export');
  const jobFileBytes = jobRow.fileName ? statSync(join(dataDir, 'exports', jobRow.fileName)).size : null;
  log(`job: ${JSON.stringify({ ...job, jobRow, jobFileBytes })}`);

  // The signed download of that file (GET /exports/:id?token=…), from a running server.
  const port = 4700 + (process.pid % 200);
  const server = await startServer(env, port);
  let httpRun;
  try {
    const id = Number(jobRow.id);
    const token = new ExportLinks(SECRET_KEY).token(id, new Date(jobRow.expiresAt));
    httpRun = await download(`http://127.0.0.1:${port}/exports/${toGlobalId('BillingExport', id)}?token=${token}`);
  } finally {
    server.kill();
  }
  log(`download: ${JSON.stringify(httpRun)}`);

  const [dumpBin, dumpArgs] = dumpCommand(url);
  log(`${dumpBin} (same rows)`);
  // The client may be missing (sqlite3 is a Debian package of its own): the rest of the report stands without it.
  const dump = await measure(dumpBin, dumpArgs, process.env).catch((error: Error) => {
    log(`${dumpBin} could not run (${error.message}): no dump to compare with`);
    return null;
  });
  log(`${dumpBin}: ${JSON.stringify(dump)}`);
  await dataSource.destroy();
  if (options.dialect === 'mysql') await dropMysqlDatabase(url);
  rmSync(dataDir, { recursive: true, force: true });

  return {
    date: new Date().toISOString(),
    dialect: options.dialect,
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      kernel: `${os.type()} ${os.release()}`,
      node: process.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    lines: seeded,
    clients,
    seedSeconds,
    csv: { ...csv, linesPerSecond: Math.round(seeded / csv.seconds) },
    jsonl: { ...jsonl, linesPerSecond: Math.round(seeded / jsonl.seconds) },
    jsonlToFile: { ...jsonlToFile, linesPerSecond: Math.round(seeded / jsonlToFile.seconds) },
    csvHeapCapped96: { ...capped, linesPerSecond: Math.round(seeded / capped.seconds) },
    job: {
      ...job,
      linesPerSecond: Math.round(seeded / job.seconds),
      status: jobRow.status,
      rowCount: Number(jobRow.rowCount),
      fileBytes: jobFileBytes,
    },
    download: { ...httpRun, linesPerSecond: Math.round(seeded / httpRun.seconds) },
    dump: dump && { command: dumpBin, ...dump, linesPerSecond: Math.round(seeded / dump.seconds) },
    ratioCsvToDump: dump && Math.round((csv.seconds / dump.seconds) * 100) / 100,
  };
}

type Measured = Run & { linesPerSecond: number };

export interface ExportBenchReport {
  date: string;
  dialect: 'sqlite' | 'mysql';
  machine: {
    cpu: string | undefined;
    cores: number;
    memoryGiB: number;
    kernel: string;
    node: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  lines: number;
  clients: number;
  seedSeconds: number;
  csv: Measured;
  jsonl: Measured;
  /** Absent from reports written before it was measured. */
  jsonlToFile?: Measured;
  csvHeapCapped96: Measured;
  job: Measured & { status: string; rowCount: number; fileBytes: number | null };
  download: { timeToFirstByteMs: number; seconds: number; bytes: number; status: number; linesPerSecond: number };
  /** Null when the database's client could not run. */
  dump: (Measured & { command: string }) | null;
  ratioCsvToDump: number | null;
}

/** `npm run bench:export`: MariaDB, sizes from the environment; writes the JSON and appends the section. */
async function main(): Promise<void> {
  const report = await benchExport({
    dialect: 'mysql',
    lines: Number(process.env.BENCH_EXPORT_LINES || 1_000_000),
    clients: Number(process.env.BENCH_EXPORT_CLIENTS || 100),
    mysqlUrl: process.env.BENCH_MYSQL_URL || undefined,
    seedOnly: process.env.BENCH_EXPORT_SEED_ONLY === '1',
  });
  if (!report) return;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = `bench/results/export-${report.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(join(ROOT, file), JSON.stringify(report, null, 2) + '\n');
  appendFileSync(join(ROOT, 'BENCHMARKS.md'), exportMarkdown(report, file));
  log(`wrote ${file} and appended to BENCHMARKS.md`);
}

/** The report's section of BENCHMARKS.md; `file` is where its raw numbers were written. */
export function exportMarkdown(r: ExportBenchReport, file: string): string {
  const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
  const row = (
    label: string,
    run: {
      seconds: number;
      linesPerSecond: number;
      timeToFirstByteMs: number | null;
      peakRssMb: number | null;
      bytes: number;
    },
  ) =>
    `| ${label} | ${run.seconds.toFixed(1)} | ${fmt(run.linesPerSecond)} | ${run.timeToFirstByteMs === null ? '—' : run.timeToFirstByteMs.toFixed(0)} | ${run.peakRssMb ?? '—'} | ${(run.bytes / 2 ** 20).toFixed(1)} |`;
  const database = r.dialect === 'sqlite' ? 'SQLite' : 'MariaDB';
  const dumpLabel =
    r.dialect === 'sqlite' ? '`sqlite3 -csv`, same rows (CSV)' : '`mariadb --batch --quick`, same rows (TSV)';
  return [
    '',
    `## Billing export (R33), ${database}, ${r.date.slice(0, 10)}`,
    '',
    `Measured by bench/export.ts (run by \`npm run bench\`, or alone by \`npm run bench:export\`); raw numbers in \`${file}\`.`,
    '',
    `- Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB RAM, ${r.machine.kernel}, Node.js ${r.machine.node}`,
    `- Load average before ${r.machine.loadAverageBefore.map((n: number) => n.toFixed(2)).join(' / ')}, after ${r.machine.loadAverageAfter.map((n: number) => n.toFixed(2)).join(' / ')} (shared machine: other work skews the numbers)`,
    `- Data: ${database}, one partner with ${r.clients} active clients, ${fmt(r.lines)} invoice lines (10 per invoice), seeded in ${r.seedSeconds.toFixed(0)} s`,
    `- Each run is its own process; peak RSS is its VmHWM; time to first byte from spawn (includes Node start-up and migrations check); stdout piped to the benchmark, which counts bytes`,
    '',
    '| run | seconds | lines/s | first byte ms | peak RSS MB | output MiB |',
    '|---|---:|---:|---:|---:|---:|',
    row('`export:billing --format csv` (stdout)', r.csv),
    row('`export:billing --format csv`, `NODE_OPTIONS=--max-old-space-size=96`', r.csvHeapCapped96),
    row('`export:billing --format jsonl` (stdout)', r.jsonl),
    ...(r.jsonlToFile
      ? [row('`export:billing --format jsonl > file` (stdout is a file; first byte n/a)', r.jsonlToFile)]
      : []),
    row('`exports:work`: the queued job to a file (count + temp file + rename; first byte n/a)', {
      ...r.job,
      timeToFirstByteMs: null,
      bytes: r.job.fileBytes ?? 0,
    }),
    row("`GET /exports/:id?token=…`: the job's file from a running server (first byte from the request)", {
      ...r.download,
      peakRssMb: null,
    }),
    ...(r.dump ? [row(dumpLabel, r.dump)] : []),
    '',
    `${r.dump ? `CSV export / ${r.dump.command} dump time: ${r.ratioCsvToDump}×` : `No dump: ${dumpLabel.split(',')[0]} could not run`}. Target: peak RSS under 200 MB whatever the size (rows are read in keyset batches of 1000 (the first 250) and written in chunks of 200 as they come). The queued job's status: ${r.job.status}, ${fmt(r.job.rowCount)} rows; the download answered ${r.download.status}.`,
    '',
  ].join('\n');
}

if (require.main === module)
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
