import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { readOutbox } from '../../src/common/mail';
import { connectDataSource } from '../../src/db/data-source';
import { InvoiceEntity } from '../../src/modules/billing/invoice.entity';
import { PaymentEntity, PaymentStatus } from '../../src/modules/payments/payment.entity';
import { ProductEntity } from '../../src/modules/products/product.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, SignedUp } from '../fixtures/builders';
import { dropMysqlDatabase, recreateMysqlDatabase } from '../helpers/mysql';
import { ok, TestServer } from '../helpers/server';

/**
 * Issue 9, several instances: two server processes start at once on one empty MariaDB database (and
 * one Redis when TEST_REDIS_URL is set), then two processes run the sweeps at the same instant.
 * MariaDB only: SQLite is an embedded file for one process by design.
 */
const mysqlBase = process.env.TEST_MYSQL_URL;
const describeMysql = mysqlBase ? describe : describe.skip;
const ROOT = join(__dirname, '..', '..');
const CUSTOMERS = 12;

jest.setTimeout(240_000);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => output, exited };
}

/** Resolves once GET /healthz answers 200; fails with the process output if it exits first. */
async function healthy(url: string, proc: Proc): Promise<void> {
  let exitedWith: number | null | undefined;
  void proc.exited.then((code) => (exitedWith = code));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) throw new Error(`instance exited ${exitedWith}:\n${proc.output()}`);
    const status = await fetch(`${url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`instance never became healthy:\n${proc.output()}`);
}

/** What `npm run cli -- jobs:run --now` does, held at "ready" until both are started, then released at once. */
const SWEEPER = `
require('reflect-metadata');
const { createMailer } = require('./src/common/mail');
const { loadConfig } = require('./src/config');
const { RequestContext } = require('./src/context');
const { connectDataSource } = require('./src/db/data-source');
const { createJobLock } = require('./src/jobs/lock');
const { createJobs, runJobs } = require('./src/jobs/runner');
const { createServices } = require('./src/services');
(async () => {
  const config = loadConfig();
  const now = new Date(process.env.SWEEP_AT);
  const dataSource = await connectDataSource(config.databaseUrl);
  const services = createServices(config, createMailer(config.mailTransport, config.mailFrom));
  const ctx = new RequestContext(dataSource, dataSource.manager, null, { now: () => new Date(now) });
  const lock = createJobLock(config.redisUrl, dataSource);
  process.stdout.write('ready\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const runs = await runJobs(ctx, now, createJobs(services), { lock });
  process.stdout.write(JSON.stringify(runs.map((r) => ({ name: r.name, changed: r.changed, skipped: !!r.skipped, error: r.error ? r.error.message : null }))) + '\\n');
  await lock.close();
  await dataSource.destroy();
  process.stdin.destroy();
})().catch((error) => { console.error(error); process.exit(1); });
`;

describeMysql('two instances on one database and one Redis (issue 9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-instances-'));
  const url = (() => {
    const parsed = new URL(mysqlBase ?? 'mysql://root@127.0.0.1:3306/pp_test');
    parsed.pathname = `/${parsed.pathname.replace(/^\//, '') || 'pp_test'}_${process.pid}_instances`;
    return parsed.toString();
  })();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    SECRET_KEY: 'instances-test-secret-of-32-bytes!',
    MAIL_TRANSPORT: `file:${join(dir, 'mail')}`,
    SMS_TRANSPORT: `file:${join(dir, 'sms')}`,
    DATA_DIR: dir,
    JOBS_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    LOGIN_DELAY_MS: '0',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
  };
  const instances: Proc[] = [];
  let urls: string[] = [];
  let db: DataSource;

  beforeAll(async () => {
    await recreateMysqlDatabase(url);
    const ports = [await freePort(), await freePort()];
    urls = ports.map((port) => `http://127.0.0.1:${port}`);
    // Both start at once on the empty database: both run openDatabase → migrations at the same time.
    for (const port of ports) instances.push(run(['src/main.ts'], { ...env, PORT: String(port) }));
    await Promise.all(urls.map((u, i) => healthy(u, instances[i])));
    db = await connectDataSource(url);
  });

  afterAll(async () => {
    for (const proc of instances) proc.child.kill('SIGTERM');
    await Promise.all(instances.map((p) => p.exited));
    await db?.destroy();
    await dropMysqlDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  });

  it('both started on the empty database: the migrations ran once, under the lock', async () => {
    const [{ count }] = await db.query('SELECT COUNT(*) AS count FROM migrations');
    expect(Number(count)).toBe(db.migrations.length);
    expect(await db.showMigrations()).toBe(false);
    for (const proc of instances) expect(proc.output()).not.toMatch(/already exists|failed to start/);
    for (const u of urls) expect(((await (await fetch(`${u}/healthz`)).json()) as any).checks.database).toBe('ok');
  });

  it('sweeps started from both at the same instant renew every product once and mail no false expiry notice', async () => {
    // Customers through both instances: a yearly hosting paid by card, so auto-renewal is on (R10).
    const customers: SignedUp[] = [];
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const target = urls[i % 2];
      const server = {
        url: target,
        gql: async (query: string, variables: Record<string, unknown> = {}, token: string | null = null) => {
          const response = await fetch(`${target}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify({ query, variables }),
          });
          return { ...((await response.json()) as object), status: response.status };
        },
      } as unknown as TestServer;
      const org = await anOrganization(server);
      const methodId = await aPaymentMethod(server, org, 'test_visa');
      const order = await aPlacedOrder(server, org);
      const paid = ok(
        await server.gql(
          `mutation($input: PayOrderInput!) { payOrder(input: $input) { userErrors { code message } } }`,
          { input: { orderId: order.id, payment: { paymentMethodId: methodId, idempotencyKey: `pay-${order.id}` } } },
          org.token,
        ),
      );
      expect(paid.payOrder.userErrors).toEqual([]);
      customers.push(org);
    }
    const before = await db.getRepository(ProductEntity).find({ order: { id: 'ASC' } });
    expect(before).toHaveLength(CUSTOMERS);
    expect(before.every((p) => p.autoRenew)).toBe(true);
    // Less than a day before the first expiry: every renewal is due, and so would be every notice
    // for a product not renewed yet.
    const at = new Date(Math.min(...before.map((p) => p.expiresAt.getTime())) - 20 * 3600_000);
    const mailsBefore = readOutbox(join(dir, 'mail')).length;

    const sweepers = [
      run(['-e', SWEEPER], { ...env, SWEEP_AT: at.toISOString() }),
      run(['-e', SWEEPER], { ...env, SWEEP_AT: at.toISOString() }),
    ];
    const ready = (p: Proc) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (p.output().includes('ready\n') ? resolve() : undefined);
        p.child.stdout!.on('data', check);
        void p.exited.then((code) => reject(new Error(`sweeper exited ${code}: ${p.output()}`)));
        check();
      });
    await Promise.all(sweepers.map(ready));
    for (const p of sweepers) p.child.stdin!.write('go\n');
    expect(await Promise.all(sweepers.map((p) => p.exited))).toEqual([0, 0]);
    const results = sweepers.map(
      (p) =>
        JSON.parse(p.output().trim().split('\n').pop()!) as Array<{
          name: string;
          changed: number;
          skipped: boolean;
          error: string | null;
        }>,
    );

    for (const runs of results) expect(runs.filter((r) => r.error)).toEqual([]);
    const total = (name: string) =>
      results
        .flat()
        .filter((r) => r.name === name)
        .reduce((sum, r) => sum + r.changed, 0);
    expect(total('renew-products')).toBe(CUSTOMERS);
    expect(total('expiry-notices')).toBe(0);
    // One of them ran the whole sweep; the other skipped every job, or (had it started after the
    // first was done) ran them all again and changed nothing.
    expect(results.some((runs) => runs.every((r) => !r.skipped))).toBe(true);

    const mails = readOutbox(join(dir, 'mail')).slice(mailsBefore);
    expect(mails.filter((m) => /expires in/i.test(m.subject))).toEqual([]);

    const after = await db.getRepository(ProductEntity).find({ order: { id: 'ASC' } });
    after.forEach((product, i) => {
      const renewedOnce = new Date(before[i].expiresAt);
      renewedOnce.setUTCFullYear(renewedOnce.getUTCFullYear() + 1);
      expect(product.expiresAt.toISOString()).toBe(renewedOnce.toISOString());
    });
    for (const product of before) {
      const invoices = await db.getRepository(InvoiceEntity).countBy({ organizationId: product.organizationId });
      const charges = await db
        .getRepository(PaymentEntity)
        .countBy({ organizationId: product.organizationId, status: PaymentStatus.SUCCEEDED });
      expect({ product: product.id, invoices, charges }).toEqual({ product: product.id, invoices: 2, charges: 2 });
    }
    expect(customers).toHaveLength(CUSTOMERS);
  });
});
