/**
 * `npm run bench:load` (issue 9): mixed traffic against one server, then the books are checked.
 *
 *   npm run bench:load                          SQLite, 20 connections, 60 s
 *   npm run bench:load -- --mysql               MariaDB (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/pp_load)
 *   options: --duration=S --connections=C --tenants=T
 *
 * The server runs in its own process (bench/server.ts), the load comes from this one (autocannon 8.0.0,
 * pinned): reads (viewer, products, invoices), orders placed, orders paid by card, prepaid top-ups, spread
 * over several tenants, each request picked at random. Afterwards, straight from the database: every
 * prepaid balance equals its ledger, every paid invoice's amountPaid equals its total and was paid once,
 * every successful payOrder answer has a PAID order, every top-up answered is on the ledger once.
 * Passes only with zero 5xx, zero GraphQL errors and consistent books. Appends the results to
 * BENCHMARKS.md (section "Mixed load", which `npm run bench` keeps).
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openAppDatabase } from '../src/startup';
import { recreateMysqlDatabase } from '../test/helpers/mysql';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

const argv = process.argv.slice(2);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const DURATION = Number(option('duration') ?? 60);
const CONNECTIONS = Number(option('connections') ?? 20);
const TENANTS = Number(option('tenants') ?? 8);
const MYSQL = argv.includes('--mysql');
const ROOT = join(__dirname, '..');
const WORK = join(os.tmpdir(), `pp-load-${process.pid}`);
const PASSWORD = 'correct-horse-battery';

interface Tenant {
  token: string;
  organizationId: string;
  cardId: string;
  /** Orders placed and not yet sent for payment. */
  unpaid: string[];
}

const log = (message: string) => process.stderr.write(`[load] ${message}\n`);

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const PLACE = `mutation($o: ID!, $n: String!) { placeOrder(input: { organizationId: $o, lines: [{ productType: WEB_HOSTING, name: $n, billingPeriod: YEARLY }] }) { order { id } userErrors { code } } }`;
const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id status } userErrors { code } } }`;
const TOP_UP = `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) { prepaidAccount { balance { amount } } userErrors { code } } }`;
const READS = [
  `{ viewer { id memberships(first: 10) { edges { node { organization { name } } } } } }`,
  `query($o: ID!) { organization(id: $o) { products(first: 20) { totalCount edges { node { id name status } } } } }`,
  `query($o: ID!) { organization(id: $o) { invoices(first: 20) { totalCount edges { node { number status total { amount } } } } } }`,
];

async function startServer(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(join(__dirname, 'server.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, BENCH_SERVER: 'ours', DATABASE_URL: url, BENCH_DATA_DIR: join(WORK, 'data') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port as number));
  });
  child.removeAllListeners('exit');
  return { child, base: `http://127.0.0.1:${port}` };
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  const url = MYSQL
    ? await recreateMysqlDatabase(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/pp_load')
    : `sqlite:${join(WORK, 'load.sqlite')}`;
  const migrated = await openAppDatabase(url);
  await migrated.dataSource.destroy();
  const { child, base } = await startServer(url);
  try {
    log(`server on ${base} (${MYSQL ? 'MariaDB' : 'SQLite'}); ${TENANTS} tenants`);
    const tenants: Tenant[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const email = `load-${i}-${randomBytes(3).toString('hex')}@example.ch`;
      const signUp = (
        await gql(base, `mutation($input: SignUpInput!) { signUp(input: $input) { token organization { id } } }`, {
          input: {
            email,
            password: PASSWORD,
            name: `Load ${i}`,
            organizationName: `Load ${i} SA`,
            organizationKind: 'COMPANY',
            currency: 'CHF',
            country: 'CH',
          },
        })
      ).signUp;
      const cardId = (
        await gql(
          base,
          `mutation($o: ID!) { addPaymentMethod(input: { organizationId: $o, kind: CARD, gatewayToken: "test_visa" }) { paymentMethod { id } } }`,
          { o: signUp.organization.id },
          signUp.token,
        )
      ).addPaymentMethod.paymentMethod.id;
      tenants.push({ token: signUp.token, organizationId: signUp.organization.id, cardId, unpaid: [] });
    }

    const counts = { read: 0, place: 0, pay: 0, topUp: 0 };
    const answered = { placed: 0, paid: 0, toppedUp: 0, userErrors: {} as Record<string, number> };
    const graphqlErrors: string[] = [];
    const latencies: number[] = [];
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

    const result = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
            const tenant = pick(tenants);
            const roll = Math.random();
            let body: { query: string; variables: Record<string, unknown> };
            let kind: keyof typeof counts;
            if (roll < 0.15 && tenant.unpaid.length) {
              kind = 'pay';
              const orderId = tenant.unpaid.shift() as string;
              body = {
                query: PAY,
                variables: {
                  input: { orderId, payment: { paymentMethodId: tenant.cardId, idempotencyKey: `pay-${orderId}` } },
                },
              };
            } else if (roll < 0.35) {
              kind = 'place';
              body = {
                query: PLACE,
                variables: { o: tenant.organizationId, n: `load-${randomBytes(5).toString('hex')}` },
              };
            } else if (roll < 0.45) {
              kind = 'topUp';
              body = {
                query: TOP_UP,
                variables: {
                  input: {
                    organizationId: tenant.organizationId,
                    amount: { amount: '10.00', currency: 'CHF' },
                    paymentMethodId: tenant.cardId,
                    idempotencyKey: `top-${randomBytes(6).toString('hex')}`,
                  },
                },
              };
            } else {
              kind = 'read';
              body = { query: pick(READS), variables: { o: tenant.organizationId } };
            }
            counts[kind] += 1;
            Object.assign(context, { tenant, kind, started: performance.now() });
            return {
              ...request,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` },
              body: JSON.stringify(body),
            };
          },
          onResponse: (status: number, body: string, context: Record<string, any>) => {
            latencies.push(performance.now() - (context.started as number));
            if (status !== 200) return;
            const parsed = JSON.parse(body) as { data?: Record<string, any>; errors?: unknown[] };
            if (parsed.errors) {
              graphqlErrors.push(body.slice(0, 300));
              return;
            }
            const payload = parsed.data && Object.values(parsed.data)[0];
            for (const e of payload?.userErrors ?? [])
              answered.userErrors[e.code] = (answered.userErrors[e.code] ?? 0) + 1;
            if (payload?.userErrors?.length) return;
            if (context.kind === 'place') {
              answered.placed += 1;
              (context.tenant as Tenant).unpaid.push(payload.order.id);
            } else if (context.kind === 'pay') answered.paid += 1;
            else if (context.kind === 'topUp') answered.toppedUp += 1;
          },
        },
      ],
    });

    const fiveXx = Object.entries(result.statusCodeStats)
      .filter(([code]) => Number(code) >= 500)
      .reduce((sum, [, s]) => sum + s.count, 0);
    latencies.sort((x, y) => x - y);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? 0;
    const books = await checkBooks(url, answered, counts);
    const ok = fiveXx === 0 && result.errors === 0 && result.timeouts === 0 && graphqlErrors.length === 0 && books.ok;
    const summary = {
      date: new Date().toISOString(),
      dialect: MYSQL ? 'MariaDB' : 'SQLite',
      machine: `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}`,
      loadAverage: os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
      duration: DURATION,
      connections: CONNECTIONS,
      tenants: TENANTS,
      requests: result.requests.total,
      rps: result.requests.average,
      p50: result.latency.p50,
      p95: Number(p95.toFixed(1)),
      p99: result.latency.p99,
      max: result.latency.max,
      fiveXx,
      non2xx: result.non2xx,
      socketErrors: result.errors,
      timeouts: result.timeouts,
      graphqlErrors: graphqlErrors.length,
      sent: counts,
      answered,
      books,
      ok,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (graphqlErrors.length) log(`first GraphQL errors: ${graphqlErrors.slice(0, 3).join('\n')}`);
    appendToBenchmarks(summary);
    if (!ok) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    rmSync(WORK, { recursive: true, force: true });
  }
}

/**
 * The books after the run, read straight from the database. Requests still in flight when the run
 * stopped may have completed without their answer being counted, so the counts of effects lie between
 * what was answered and what was sent.
 */
async function checkBooks(
  url: string,
  answered: { paid: number; toppedUp: number },
  sent: { pay: number; topUp: number },
) {
  const { dataSource } = await openAppDatabase(url);
  const q = (name: string) => dataSource.driver.escape(name);
  const one = async (sql: string) => Number(Object.values((await dataSource.query(sql))[0] as object)[0] ?? 0);
  try {
    const balanceMismatches = await one(
      `SELECT COUNT(*) FROM prepaid_account p WHERE p.balance <> (SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l WHERE l.${q('organizationId')} = p.${q('organizationId')})`,
    );
    const paidInvoicesWrong = await one(
      `SELECT COUNT(*) FROM invoice WHERE status = 'PAID' AND ${q('amountPaid')} <> total`,
    );
    const openInvoicesWithMoney = await one(
      `SELECT COUNT(*) FROM invoice WHERE status = 'OPEN' AND ${q('amountPaid')} <> 0`,
    );
    const paidOrders = await one(`SELECT COUNT(*) FROM customer_order WHERE status = 'PAID'`);
    const topUpEntries = await one(`SELECT COUNT(*) FROM ledger_entry WHERE kind = 'TOP_UP'`);
    const duplicateNumbers = await one(
      `SELECT COUNT(*) FROM (SELECT number FROM invoice GROUP BY number HAVING COUNT(*) > 1) d`,
    );
    const ok =
      balanceMismatches === 0 &&
      paidInvoicesWrong === 0 &&
      openInvoicesWithMoney === 0 &&
      duplicateNumbers === 0 &&
      topUpEntries >= answered.toppedUp &&
      topUpEntries <= sent.topUp &&
      paidOrders >= answered.paid &&
      paidOrders <= sent.pay;
    return {
      ok,
      balanceMismatches,
      paidInvoicesWrong,
      openInvoicesWithMoney,
      duplicateNumbers,
      topUpEntries,
      paidOrders,
    };
  } finally {
    await dataSource.destroy();
  }
}

const HEADING = '## Mixed load (`npm run bench:load`, issue 9)';

/**
 * Adds one row to the "Mixed load" section of BENCHMARKS.md (created on first use; `npm run bench`
 * keeps sections it does not write).
 */
function appendToBenchmarks(s: Record<string, any>) {
  const file = join(ROOT, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const header = [
    HEADING,
    '',
    'bench/load-mixed.ts: one server process, autocannon from another; reads, orders placed, orders paid by card and',
    'prepaid top-ups spread over several tenants, picked at random per request; afterwards the books are checked',
    'straight from the database (balances = ledger, paid invoices = their totals, invoice numbers unique, top-ups on',
    'the ledger and paid orders between those answered and those sent). p95 measured per request by the runner;',
    'p50/p99 by autocannon. A load average above the core count means the machine was shared with other work',
    '(the first runs: other test suites ran at the same time), so latencies are pessimistic.',
    '',
    '| date | database | machine | load avg (1/5/15) | conns × s | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | GraphQL errors | placed / paid / top-ups | books |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  const row = `| ${s.date.slice(0, 16).replace('T', ' ')} | ${s.dialect} | ${s.machine} | ${s.loadAverage} | ${s.connections} × ${s.duration} | ${s.requests} | ${Math.round(s.rps)} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.fiveXx} | ${s.graphqlErrors} | ${s.answered.placed} / ${s.answered.paid} / ${s.answered.toppedUp} | ${s.books.ok ? 'consistent' : `INCONSISTENT ${JSON.stringify(s.books)}`} |`;
  const at = text.indexOf(HEADING);
  if (at < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${[...header, row].join('\n')}\n`);
    return;
  }
  const next = text.indexOf('\n## ', at + HEADING.length);
  const sectionEnd = next < 0 ? text.length : next;
  const section = text.slice(at, sectionEnd).trimEnd();
  writeFileSync(file, `${text.slice(0, at)}${section}\n${row}\n${text.slice(sectionEnd)}`.trimEnd() + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
