/**
 * `npm run bench`: latency of a few GraphQL reads on a seeded organization, on SQLite and (when
 * TEST_MYSQL_URL is set) on MariaDB, written to BENCHMARKS.md with the machine it ran on.
 *
 *   BENCH_PRODUCTS (default 5000), BENCH_MEMBERS (default 200), BENCH_ROUNDS (default 3: full product pagings)
 *
 * Client and server share one process, so the numbers include the client's share of the CPU and
 * the RSS is that of both; what matters is comparing runs on the same machine.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseGlobalId } from '../src/graphql/global-id';
import { MemberRole, MembershipEntity } from '../src/modules/organizations/membership.entity';
import { BillingPeriod, ProductEntity, ProductStatus, ProductType } from '../src/modules/products/product.entity';
import { UserEntity } from '../src/modules/accounts/user.entity';
import { anOrganization } from '../test/fixtures/builders';
import { ok, startTestServer, TestServer } from '../test/helpers/server';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHUNK = 500;

interface Result {
  query: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

interface DialectRun {
  dialect: string;
  seedSeconds: number;
  results: Result[];
  rssAfterSeedMb: number;
  rssAfterQueriesMb: number;
}

const VIEWER = `query Viewer { viewer { email memberships(first: 10) { totalCount edges { node { role organization { name } } } } } }`;
const PRODUCTS_PAGE = `query Products($id: ID!, $after: String) { organization(id: $id) { products(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id name type status price { amount currency } expiresAt autoRenew } } } } }`;
const MEMBERS_PAGE = `query Members($id: ID!) { organization(id: $id) { members(first: 100) { totalCount edges { node { role billingAccess user { email name } } } } } }`;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timed(samples: number[], work: () => Promise<unknown>): Promise<void> {
  const start = process.hrtime.bigint();
  await work();
  samples.push(Number(process.hrtime.bigint() - start) / 1e6);
}

function summarize(query: string, samples: number[]): Result {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    query,
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
  };
}

/** Bulk-inserts the organization's products and members straight into the database (the API would take minutes). */
async function seed(server: TestServer, organizationId: number): Promise<void> {
  const em = server.dataSource.manager;
  const now = new Date();
  const types = Object.values(ProductType);
  for (let start = 0; start < PRODUCTS; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, PRODUCTS - start) }, (_, i) =>
      em.create(ProductEntity, {
        organizationId,
        type: types[(start + i) % types.length],
        name: `product-${start + i}.example.ch`,
        status: ProductStatus.ACTIVE,
        billingPeriod: BillingPeriod.YEARLY,
        price: 12_000,
        currency: 'CHF',
        expiresAt: new Date(now.getTime() + ((start + i) % 365) * 86_400_000),
        autoRenew: false,
        autoRenewPaymentMethodId: null,
        createdAt: now,
      }),
    );
    await em.insert(ProductEntity, rows);
  }
  for (let start = 0; start < MEMBERS; start += CHUNK) {
    const count = Math.min(CHUNK, MEMBERS - start);
    const users = Array.from({ length: count }, (_, i) =>
      em.create(UserEntity, {
        email: `member-${start + i}@bench.example.ch`,
        name: `Member ${start + i}`,
        passwordHash: null,
        staffRole: null,
        createdAt: now,
      }),
    );
    const inserted = await em.insert(UserEntity, users);
    const memberships = inserted.identifiers.map(({ id }) =>
      em.create(MembershipEntity, {
        organizationId,
        userId: id,
        role: MemberRole.USER,
        billingAccess: false,
        productIds: [],
        notifyBilling: false,
        notifyTechnical: true,
        notifyAdministrative: false,
        createdAt: now,
      }),
    );
    await em.insert(MembershipEntity, memberships);
  }
}

async function benchDialect(): Promise<DialectRun> {
  const server = await startTestServer();
  try {
    const owner = await anOrganization(server, { organizationName: 'Bench Hosting SA' });
    const organizationId = parseGlobalId(owner.organizationId)?.id as number;
    const seedStart = Date.now();
    await seed(server, organizationId);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const rssAfterSeedMb = mb(process.memoryUsage().rss);
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      ok(await server.gql(query, variables, owner.token));

    for (let i = 0; i < 20; i += 1) await gql(VIEWER); // warm-up: JIT, prepared statements, pools

    const viewer: number[] = [];
    for (let i = 0; i < 200; i += 1) await timed(viewer, () => gql(VIEWER));

    const pages: number[] = [];
    const fullPaging: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const start = process.hrtime.bigint();
      let after: string | null = null;
      let seen = 0;
      for (;;) {
        let data: any;
        await timed(pages, async () => (data = await gql(PRODUCTS_PAGE, { id: owner.organizationId, after })));
        const connection = data.organization.products;
        seen += connection.edges.length;
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      if (seen !== PRODUCTS) throw new Error(`paging saw ${seen} products, expected ${PRODUCTS}`);
      fullPaging.push(Number(process.hrtime.bigint() - start) / 1e6);
    }

    const members: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await timed(members, async () => {
        const data = await gql(MEMBERS_PAGE, { id: owner.organizationId });
        if (data.organization.members.totalCount !== MEMBERS + 1)
          throw new Error(`members: ${data.organization.members.totalCount}`);
      });
    }

    const concurrent: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 20; i += 1) await timed(concurrent, () => gql(VIEWER));
      }),
    );

    return {
      dialect: server.dialect === 'mysql' ? 'MariaDB' : 'SQLite',
      seedSeconds,
      rssAfterSeedMb,
      rssAfterQueriesMb: mb(process.memoryUsage().rss),
      results: [
        summarize('viewer (memberships)', viewer),
        summarize('organization.products first:100, one page', pages),
        summarize(`organization.products, paging through all ${PRODUCTS}`, fullPaging),
        summarize(`organization.members first:100 (of ${MEMBERS + 1})`, members),
        summarize('viewer, 10 concurrent clients', concurrent),
      ],
    };
  } finally {
    await server.stop();
  }
}

function report(runs: DialectRun[], started: Date, load: number[]): string {
  const cpus = os.cpus();
  const ms = (n: number) => n.toFixed(1);
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); rerun it after changes to the read paths and compare on the same machine.',
    '',
    `- Date: ${started.toISOString()}`,
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${mb(os.totalmem()) >= 1024 ? `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB` : `${mb(os.totalmem())} MiB`} RAM, ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}; load average at start ${load.map((l) => l.toFixed(2)).join(' / ')} (other work on the machine skews the numbers)`,
    `- Data: one organization with ${PRODUCTS} products and ${MEMBERS + 1} members (bulk-inserted); requests over HTTP on 127.0.0.1, client in the same process`,
    '',
  ];
  for (const run of runs) {
    lines.push(
      `## ${run.dialect}`,
      '',
      `Seeding took ${run.seedSeconds.toFixed(1)} s. Process RSS: ${run.rssAfterSeedMb} MB after seeding, ${run.rssAfterQueriesMb} MB after the queries.`,
      '',
    );
    lines.push('| query | samples | p50 ms | p95 ms | max ms |', '|---|---:|---:|---:|---:|');
    for (const r of run.results)
      lines.push(`| ${r.query} | ${r.samples} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const load = os.loadavg();
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  const runs: DialectRun[] = [];
  delete process.env.TEST_MYSQL_URL;
  process.stdout.write('bench: SQLite…\n');
  runs.push(await benchDialect());
  if (mysqlUrl) {
    process.env.TEST_MYSQL_URL = mysqlUrl;
    process.stdout.write('bench: MariaDB…\n');
    runs.push(await benchDialect());
  }
  const markdown = report(runs, started, load);
  const file = join(__dirname, '..', 'BENCHMARKS.md');
  writeFileSync(file, `${markdown}\n`);
  process.stdout.write(`${markdown}\nwritten to ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
