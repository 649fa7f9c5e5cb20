import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildScenario, golden, Scenario } from '../fixtures/billing-export-scenario';
import { startTestServer, TestServer } from '../helpers/server';

const ROOT = join(__dirname, '../..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI from the compiled build, as `npm run cli -- …` runs it, with stdout and stderr not terminals. */
function cli(server: TestServer, args: string[]): Promise<CliResult> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: server.databaseUrl,
    DATA_DIR: server.dataDir,
    SECRET_KEY: 'test-secret-key',
    MAIL_TRANSPORT: `file:${server.mailDir}`,
    LOG_LEVEL: 'silent',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/src/cli/index.js', ...args],
      { cwd: ROOT, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm run cli -- export:billing (R33)', () => {
  let server: TestServer;
  let s: Scenario;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-if-stale.js'], { cwd: ROOT, stdio: 'ignore' });
    server = await startTestServer();
    s = await buildScenario(server);
  }, 240_000);
  afterAll(() => server?.stop());

  it('writes the CSV to stdout (the golden file), the count to stderr, no progress bar off a terminal', async () => {
    const result = await cli(server, [
      'export:billing',
      '--partner',
      'PGOLDEN',
      '--from',
      '2026-01-01',
      '--to',
      '2026-12-31',
      '--format',
      'csv',
    ]);
    expect(result.stderr).toBe('4 row(s) exported.\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(golden('billing-export.csv', s));
  });

  it('JSON Lines, by partner number and with a client filter', async () => {
    const result = await cli(server, [
      'export:billing',
      '--partner',
      String(s.partnerId),
      '--from',
      '2026-01-01',
      '--to',
      '2026-12-31',
      '--format',
      'jsonl',
      '--client',
      String(s.clientB),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout).invoice_number).toBe('2026-000003');
  });

  it.each([
    ['no --partner', ['--from', '2026-01-01', '--to', '2026-12-31'], /--partner is required/],
    [
      'an impossible date',
      ['--partner', 'PGOLDEN', '--from', '2026-02-30', '--to', '2026-12-31'],
      /--from must be a date/,
    ],
    ['a missing --to', ['--partner', 'PGOLDEN', '--from', '2026-01-01'], /--to is required/],
    ['from after to', ['--partner', 'PGOLDEN', '--from', '2026-12-31', '--to', '2026-01-01'], /must not be after --to/],
    [
      'an unknown format',
      ['--partner', 'PGOLDEN', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'xlsx'],
      /--format must be csv or jsonl/,
    ],
    ['an unknown partner', ['--partner', 'NOPE', '--from', '2026-01-01', '--to', '2026-12-31'], /No partner "NOPE"/],
    ['an unknown option', ['--partner', 'PGOLDEN', '--form', '2026-01-01'], /Unknown option --form/],
  ])('refuses %s with a clear message and exit code 1', async (_label, args, message) => {
    const result = await cli(server, ['export:billing', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exports:work runs queued exports', async () => {
    const result = await cli(server, ['exports:work']);
    expect(result).toMatchObject({ code: 0, stdout: '0 export(s) run.\n' });
  });
});
