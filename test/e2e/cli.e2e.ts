import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MYSQL_MIGRATIONS } from '../../migrations/mysql';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite';
import { App, createServer } from '../../src/app';
import { DEMO_PASSWORD } from '../../src/cli/seed-demo';
import { loadConfig } from '../../src/config';
import { connectDataSource } from '../../src/db/data-source';
import { openAppDatabase } from '../../src/startup';
import { UserEntity } from '../../src/modules/accounts/user.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, localId } from '../fixtures/builders';
import { camt054Xml } from '../fixtures/camt054';
import { InvoiceEntity } from '../../src/modules/billing/invoice.entity';
import { ProductEntity } from '../../src/modules/products/product.entity';
import { dropMysqlDatabase, recreateMysqlDatabase } from '../helpers/mysql';
import { GraphQLResponse, ok, TestServer } from '../helpers/server';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'pp-cli-'));
const mysqlBase = process.env.TEST_MYSQL_URL;
const created: string[] = [];

/** A fresh database for this file: a SQLite file, or a dedicated MariaDB database when TEST_MYSQL_URL is set. */
async function freshDatabase(label: string): Promise<string> {
  if (!mysqlBase) return `sqlite:${join(dir, `${label}.sqlite`)}`;
  const url = new URL(mysqlBase);
  url.pathname = `/pp_cli_${label}_${process.pid}`;
  created.push(await recreateMysqlDatabase(url.toString()));
  return url.toString();
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs the real CLI from the compiled build in a child process, as `npm run cli -- …` does (`viaNpm` goes through npm itself). */
function cli(
  databaseUrl: string,
  args: string[],
  options: { env?: Record<string, string>; viaNpm?: boolean } = {},
): Promise<CliResult> {
  const [command, argv] = options.viaNpm
    ? ['npm', ['run', 'cli', '--silent', '--', ...args]]
    : [process.execPath, ['dist/src/cli/index.js', ...args]];
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    SECRET_KEY: 'cli-test-secret',
    MAIL_TRANSPORT: `file:${join(dir, 'mail')}`,
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile(command, argv, { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, lines: stdout.trimEnd().split('\n') });
    });
  });
}

/** A server started on a database the CLI wrote to. */
async function serve(
  databaseUrl: string,
): Promise<Pick<TestServer, 'gql'> & { app: App; dataSource: DataSource; stop(): Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'cli-test-secret',
    MAIL_TRANSPORT: `file:${join(dir, 'mail')}`,
    DATA_DIR: dir,
    JOBS_INTERVAL_MS: '0',
    LOG_LEVEL: 'silent',
  });
  const { dataSource } = await openAppDatabase(databaseUrl);
  const app = await createServer({ config, dataSource });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  return {
    app,
    dataSource,
    async gql(query, variables = {}, token = null) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as GraphQLResponse), status: response.status };
    },
    async stop() {
      await app.stop();
      await dataSource.destroy();
    },
  };
}

const VIEWER = `{ viewer { email apiTokens { name scopes } memberships { edges { node { organization { auditEvents { edges { node { action via } } } } } } } } }`;
const MIGRATIONS = mysqlBase ? MYSQL_MIGRATIONS : SQLITE_MIGRATIONS;

let databaseUrl: string;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  // The CLI runs from dist/ like `npm run cli`: build it when a source is newer than the last build.
  execFileSync(process.execPath, ['scripts/build-if-stale.js'], { cwd: ROOT, stdio: 'ignore' });
  databaseUrl = await freshDatabase('main');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  for (const url of created) await dropMysqlDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli', () => {
  it('migrate applies every migration to a fresh database, then none', async () => {
    const first = await cli(databaseUrl, ['migrate'], { viaNpm: true });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.lines.at(-1)).toMatch(new RegExp(`^${MIGRATIONS.length} migration\\(s\\) applied to `));
    const again = await cli(databaseUrl, ['migrate']);
    expect(again.code).toBe(0);
    expect(again.lines.at(-1)).toMatch(/^0 migration\(s\) applied .*already up to date/);
    server = await serve(databaseUrl);
  });

  it('staff:create makes a staff user without password and prints a working token as the last line', async () => {
    const result = await cli(databaseUrl, ['staff:create', '--email', 'Ops@Example.CH', '--role', 'ADMIN']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const token = result.lines.at(-1) as string;
    expect(token).toMatch(/^\S{20,}$/);
    const { viewer } = ok(await server.gql(VIEWER, {}, token));
    expect(viewer).toMatchObject({ email: 'ops@example.ch', apiTokens: [{ scopes: ['read', 'write'] }] });
    const user = await server.dataSource.manager.findOneByOrFail(UserEntity, { email: 'ops@example.ch' });
    expect(user).toMatchObject({ staffRole: 'ADMIN', passwordHash: null });

    const changed = await cli(databaseUrl, ['staff:create', '--email', 'ops@example.ch', '--role', 'SUPPORT']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('from ADMIN to SUPPORT');
    expect(ok(await server.gql(VIEWER, {}, changed.lines.at(-1))).viewer.email).toBe('ops@example.ch');
    expect(await server.dataSource.manager.countBy(UserEntity, { email: 'ops@example.ch' })).toBe(1);
    expect((await server.dataSource.manager.findOneByOrFail(UserEntity, { email: 'ops@example.ch' })).staffRole).toBe(
      'SUPPORT',
    );
  });

  it('token:create gives an existing user an API token (read, write) and audits it in its organization', async () => {
    const customer = await anOrganization(server as unknown as TestServer);
    const result = await cli(databaseUrl, ['token:create', '--email', customer.email, '--name', 'deploy script']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { viewer } = ok(await server.gql(VIEWER, {}, result.lines.at(-1)));
    expect(viewer.email).toBe(customer.email);
    expect(viewer.apiTokens).toEqual([{ name: 'deploy script', scopes: ['read', 'write'] }]);
    const events = viewer.memberships.edges[0].node.organization.auditEvents.edges.map(
      (e: { node: unknown }) => e.node,
    );
    expect(events).toContainEqual({ action: 'api_token.created', via: 'cli' });
  });

  it('payments:pending lists a bank transfer and payments:reconcile settles it once (R15, R16)', async () => {
    const customer = await anOrganization(server as unknown as TestServer);
    const iban = await aPaymentMethod(server as unknown as TestServer, customer, 'test_iban', 'IBAN_TRANSFER');
    const topUp = ok(
      await server.gql(
        `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) { payment { id status } userErrors { code } } }`,
        {
          input: {
            organizationId: customer.organizationId,
            amount: { amount: '120.00', currency: 'CHF' },
            paymentMethodId: iban,
            idempotencyKey: 'cli-iban',
          },
        },
        customer.token,
      ),
    ).topUpPrepaidAccount;
    expect(topUp.payment.status).toBe('PENDING');
    const balance = async () =>
      ok(
        await server.gql(
          `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } } } }`,
          { id: customer.organizationId },
          customer.token,
        ),
      ).organization.prepaidAccount.balance.amount;
    expect(await balance()).toBe('0.00');

    const pending = await cli(databaseUrl, ['payments:pending']);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain(topUp.payment.id);
    expect(pending.stdout).toContain('120.00 CHF');

    const reconciled = await cli(databaseUrl, ['payments:reconcile', '--payment', topUp.payment.id]);
    expect(reconciled).toMatchObject({ code: 0, stderr: '' });
    expect(await balance()).toBe('120.00');
    const again = await cli(databaseUrl, ['payments:reconcile', '--payment', topUp.payment.id]);
    expect(again.stdout).toContain('already settled');
    expect(await balance()).toBe('120.00');
    expect((await cli(databaseUrl, ['payments:reconcile', '--payment', 'nonsense'])).code).toBe(1);
  });

  it('payments:import FILE.xml pays an invoice once however often it runs; payments:unmatched lists the rest; a malformed file exits 1', async () => {
    const customer = await anOrganization(server as unknown as TestServer);
    const order = await aPlacedOrder(server as unknown as TestServer, customer);
    const INVOICE = `query($id: ID!) { node(id: $id) { ... on Invoice { status paymentReference amountDue { amount } } } }`;
    const invoice = ok(await server.gql(INVOICE, { id: order.invoice.id }, customer.token)).node;
    const file = join(dir, 'camt054.xml');
    writeFileSync(
      file,
      camt054Xml([
        { bankReference: 'CLI-EXACT-1', amount: invoice.amountDue.amount, reference: invoice.paymentReference },
        {
          bankReference: 'CLI-UNKNOWN-1',
          amount: '7.00',
          reference: null,
          message: 'no idea',
          debtorName: 'Hans Muster',
        },
      ]),
    );
    const imported = await cli(databaseUrl, ['payments:import', file]);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.lines[imported.lines.length - 1]).toBe(
      `${file} (MSG-20260302-1): 1 matched, 1 unmatched, 0 already seen, 0 ignored.`,
    );
    expect(ok(await server.gql(INVOICE, { id: order.invoice.id }, customer.token)).node.status).toBe('PAID');

    const again = await cli(databaseUrl, ['payments:import', file]);
    expect(again.lines).toEqual([`${file} (MSG-20260302-1): 0 matched, 0 unmatched, 2 already seen, 0 ignored.`]);

    const unmatched = await cli(databaseUrl, ['payments:unmatched']);
    expect(unmatched.code).toBe(0);
    expect(unmatched.lines).toEqual([
      expect.stringMatching(/^\d+\tNO_REFERENCE\t7\.00 CHF\t2026-03-02\tCLI-UNKNOWN-1\t-\tHans Muster CH93/),
    ]);

    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, camt054Xml([{ bankReference: 'CLI-BROKEN', amount: 'ten' }]));
    const refused = await cli(databaseUrl, ['payments:import', broken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Not a readable camt\.054 file: .*no valid Amt/m);
    const credits = () => server.dataSource.query('SELECT bankReference, status FROM bank_credit ORDER BY id');
    expect(await credits()).toEqual([
      { bankReference: 'CLI-EXACT-1', status: 'MATCHED' },
      { bankReference: 'CLI-UNKNOWN-1', status: 'UNMATCHED' },
    ]);

    const id = unmatched.lines[0].split('\t')[0];
    const resolved = await cli(databaseUrl, ['payments:resolve-credit', '--credit', id, '--note', 'refunded by hand']);
    expect(resolved).toMatchObject({ code: 0, stderr: '' });
    expect((await credits())[1]).toEqual({ bankReference: 'CLI-UNKNOWN-1', status: 'RESOLVED' });
  }, 180_000);

  it.each([
    ['an unknown command', ['frobnicate'], /Unknown command "frobnicate"/],
    ['no command', [], /Usage: npm run cli/],
    [
      'an invalid email',
      ['staff:create', '--email', 'not-an-email', '--role', 'ADMIN'],
      /--email: "not-an-email" is not a valid email address/,
    ],
    [
      'a bad role',
      ['staff:create', '--email', 'new-staff@example.ch', '--role', 'ROOT'],
      /--role must be ADMIN or SUPPORT, got "ROOT"/,
    ],
    ['a missing role', ['staff:create', '--email', 'new-staff@example.ch'], /--role must be ADMIN or SUPPORT/],
    [
      'an unknown option',
      ['token:create', '--email', 'ops@example.ch', '--name', 'x', '--scopes', 'all'],
      /Unknown option --scopes for token:create/,
    ],
    ['a missing token name', ['token:create', '--email', 'ops@example.ch'], /--name is required/],
    [
      'an unknown user',
      ['token:create', '--email', 'nobody@example.ch', '--name', 'x'],
      /No user with email nobody@example.ch/,
    ],
    ['an invalid --now', ['jobs:run', '--now', 'yesterday'], /--now must be an ISO-8601 date or date-time/],
    ['an impossible date', ['jobs:run', '--now', '2026-02-30T00:00:00Z'], /--now must be an ISO-8601/],
    ['a stray argument', ['migrate', 'now'], /Unexpected argument now/],
    ['payments:import without a file', ['payments:import'], /payments:import takes FILE\.xml, got 0 argument/],
    [
      'payments:import of a missing file',
      ['payments:import', '/nonexistent/camt.xml'],
      /cannot read \/nonexistent\/camt\.xml: ENOENT/,
    ],
  ])('refuses %s with exit code 1, a clear message and no token', async (_label, args, message) => {
    const result = await cli(databaseUrl, args);
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toMatch(message);
    expect(result.stdout).not.toMatch(/ppa_/);
    expect(await server.dataSource.manager.countBy(UserEntity, { email: 'new-staff@example.ch' })).toBe(0);
  });

  it('jobs:run --now prints one line per job, and a second run at the same time changes nothing', async () => {
    const first = await cli(databaseUrl, ['jobs:run', '--now', '2026-03-01T02:00:00Z']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const jobs = server.app.jobs;
    const expected = jobs.length
      ? jobs.map((job) => new RegExp(`^${job.name}: \\d+ changed$`))
      : [/^No scheduled jobs are registered\.$/];
    expect(first.lines).toHaveLength(expected.length);
    first.lines.forEach((line, i) => expect(line).toMatch(expected[i]));
    const second = await cli(databaseUrl, ['jobs:run', '--now', '2026-03-01T02:00:00Z']);
    expect(second.code).toBe(0);
    expect(second.lines).toEqual(jobs.length ? jobs.map((job) => `${job.name}: 0 changed`) : first.lines);
  });

  it('jobs:run --now <expiry − 14 days> renews and charges a card-paid product (issue 3, done when)', async () => {
    const customer = await anOrganization(server as unknown as TestServer);
    const card = await aPaymentMethod(server as unknown as TestServer, customer, 'test_visa');
    const order = await aPlacedOrder(server as unknown as TestServer, customer, [
      { productType: 'WEB_HOSTING', name: 'cli-renewal-shop' },
    ]);
    const paid = ok(
      await server.gql(
        `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status } userErrors { code } } }`,
        { input: { orderId: order.id, payment: { paymentMethodId: card, idempotencyKey: 'cli-renewal' } } },
        customer.token,
      ),
    );
    expect(paid.payOrder.order.status).toBe('PAID');
    const product = await server.dataSource.manager.findOneByOrFail(ProductEntity, {
      organizationId: localId(customer.organizationId),
    });
    expect(product.autoRenew).toBe(true);
    const at = new Date(product.expiresAt.getTime() - 14 * 86_400_000).toISOString();

    const run = await cli(databaseUrl, ['jobs:run', '--now', at]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.lines).toContain('renew-products: 1 changed');
    const renewed = await server.dataSource.manager.findOneByOrFail(ProductEntity, { id: product.id });
    expect(renewed.expiresAt.getUTCFullYear()).toBe(product.expiresAt.getUTCFullYear() + 1);
    const invoices = await server.dataSource.manager.findBy(InvoiceEntity, {
      organizationId: localId(customer.organizationId),
    });
    expect(invoices.map((i) => i.status)).toEqual(['PAID', 'PAID']);

    const again = await cli(databaseUrl, ['jobs:run', '--now', at]);
    expect(again.lines).toContain('renew-products: 0 changed');
    expect(
      await server.dataSource.manager.countBy(InvoiceEntity, { organizationId: localId(customer.organizationId) }),
    ).toBe(2);
  });
});

describe('npm run cli -- seed:demo', () => {
  let seedUrl: string;
  beforeAll(async () => {
    seedUrl = await freshDatabase('seed');
  });

  it('refuses under NODE_ENV=production and writes nothing', async () => {
    // Production refuses to start at all while the creditor account is the sample QR-IBAN.
    const secret = 'cli-test-secret-of-at-least-32-bytes';
    const sample = await cli(seedUrl, ['seed:demo'], {
      env: { NODE_ENV: 'production', SECRET_KEY: secret, BILLING_IBAN: '' },
    });
    expect(sample.code).toBe(1);
    expect(sample.stderr).toMatch(/configuration: BILLING_IBAN must be the provider's own account/);
    const result = await cli(seedUrl, ['seed:demo'], {
      env: { NODE_ENV: 'production', SECRET_KEY: secret, BILLING_IBAN: 'CH93 0076 2011 6238 5295 7' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/seed:demo refuses to run with NODE_ENV=production/);
    const untouched = await connectDataSource(seedUrl);
    try {
      expect(await untouched.showMigrations()).toBe(true);
    } finally {
      await untouched.destroy();
    }
  });

  it('seeds an empty database so that the demo login works, and only once', async () => {
    const result = await cli(seedUrl, ['seed:demo']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('demo@example.ch');
    const seeded = await serve(seedUrl);
    try {
      const login = ok(
        await seeded.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`, {
          input: { email: 'demo@example.ch', password: DEMO_PASSWORD },
        }),
      );
      expect(login.logIn.userErrors).toEqual([]);
      expect(ok(await seeded.gql(`{ viewer { email } }`, {}, login.logIn.token)).viewer.email).toBe('demo@example.ch');
      const users = await seeded.dataSource.manager.count(UserEntity);
      const again = await cli(seedUrl, ['seed:demo']);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/already has users/);
      expect(await seeded.dataSource.manager.count(UserEntity)).toBe(users);
    } finally {
      await seeded.stop();
    }
  });
});
