import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runJobs } from '../../src/jobs/runner';
import { BillingExportEntity } from '../../src/modules/exports/billing-export.entity';
import { ExportQueue } from '../../src/modules/exports/export-queue';
import { CashbackEntryEntity } from '../../src/modules/partners/cashback.entity';
import { anOrganization, localId } from '../fixtures/builders';
import { buildScenario, gid, golden, Scenario } from '../fixtures/billing-export-scenario';
import { insertPartner } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

const EXPORT = `mutation($input: ExportClientBillingInput!) { exportClientBilling(input: $input) {
  export { id status format from to progress rowCount url } userErrors { code field message } } }`;
const NODE = `query($id: ID!) { node(id: $id) { ... on BillingExport { id status rowCount progress url expiresAt failureReason } } }`;

async function requestExport(server: TestServer, token: string, input: Record<string, unknown>) {
  return ok(await server.gql(EXPORT, { input }, token)).exportClientBilling;
}

describe('billing export (R33)', () => {
  let server: TestServer;
  let s: Scenario;
  const period = { from: '2026-01-01', to: '2026-12-31' };
  beforeAll(async () => {
    server = await startTestServer();
    s = await buildScenario(server);
  });
  afterAll(() => server.stop());

  /** The link on this test server (PUBLIC_URL names port 0 in tests). */
  const local = (url: string) => {
    const parsed = new URL(url);
    return `${server.url}${parsed.pathname}${parsed.search}`;
  };

  async function runExport(token: string, input: Record<string, unknown>) {
    const queued = await requestExport(server, token, { partnerId: gid('Partner', s.partnerId), ...period, ...input });
    expect(queued.userErrors).toEqual([]);
    expect(queued.export).toMatchObject({ status: 'QUEUED', progress: 0, url: null });
    expect(await server.app.exportWorker.runOnce()).toBe('completed');
    const done = ok(await server.gql(NODE, { id: queued.export.id }, token)).node;
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 1 });
    const response = await fetch(local(done.url));
    return { done, response, body: await response.text() };
  }

  it('CSV: the golden file, figures to the centime, only the relationship periods, downloadable once', async () => {
    const { done, response, body } = await runExport(s.owner.token, { format: 'CSV' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="billing-PGOLDEN-2026-01-01-2026-12-31.csv"',
    );
    expect(body).toBe(golden('billing-export.csv', s));
    expect(done.rowCount).toBe(4);
    expect(body).not.toContain('2025-000100');
    expect(body).not.toContain('2026-000004');
    expect(body).not.toContain('Never exported');
    // No temporary file is left behind.
    expect(readdirSync(join(server.dataDir, 'exports')).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('JSON Lines: the golden file', async () => {
    const { response, body } = await runExport(s.owner.token, { format: 'JSONL' });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(body).toBe(golden('billing-export.jsonl', s));
  });

  it('the cashback column sums the partner’s cashback entries of the line, reversals included, cancelled ones not', async () => {
    const [line] = await server.dataSource.query(
      `SELECT l.id, l.invoiceId FROM invoice_line l JOIN invoice i ON i.id = l.invoiceId WHERE i.number = '2026-000001' ORDER BY l.id`,
    );
    const entry = (key: string, amount: number, status: string) => ({
      entryKey: key,
      partnerId: s.partnerId,
      partnerOrganizationId: localId(s.owner.organizationId),
      relationshipId: 1,
      clientOrganizationId: s.clientA,
      invoiceId: Number(line.invoiceId),
      invoiceLineId: Number(line.id),
      currency: 'CHF',
      amount,
      status,
      reversesEntryId: null,
      availableAt: new Date(),
      payoutId: null,
      settledAt: null,
      createdAt: new Date(),
    });
    const repo = server.dataSource.getRepository(CashbackEntryEntity);
    await repo.insert([
      entry(`test-a-${s.partnerId}`, 6944, 'CREDITED'),
      entry(`test-b-${s.partnerId}`, -1000, 'PENDING'),
      entry(`test-c-${s.partnerId}`, 500, 'CANCELLED'),
    ] as never);
    try {
      const { body } = await runExport(s.owner.token, { format: 'JSONL' });
      const rows = body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => r.cashback)).toEqual(['59.44', '0.00', '0.00', '0.00']);
    } finally {
      await repo.delete({ invoiceLineId: Number(line.id) });
    }
  });

  it('a limited user exports only its assigned clients and may not name others', async () => {
    const { body, done } = await runExport(s.limited.token, { format: 'JSONL' });
    expect(done.rowCount).toBe(3);
    expect(body).not.toContain(gid('Organization', s.clientB));
    const refused = await requestExport(server, s.limited.token, {
      partnerId: gid('Partner', s.partnerId),
      ...period,
      format: 'CSV',
      clientIds: [gid('Organization', s.clientB)],
    });
    expect(refused.userErrors[0]).toMatchObject({ code: 'CLIENT_NOT_REACHABLE', field: ['input', 'clientIds'] });
  });

  it('the client filter keeps only the named clients', async () => {
    const { done } = await runExport(s.owner.token, { format: 'CSV', clientIds: [gid('Organization', s.clientB)] });
    expect(done.rowCount).toBe(1);
  });

  it('another partner, a client and a visitor are refused; a bad period is a userError', async () => {
    const other = await anOrganization(server);
    await insertPartner(server.dataSource, { organizationId: localId(other.organizationId) });
    const input = { partnerId: gid('Partner', s.partnerId), ...period, format: 'CSV' };
    expect(errorCode(await server.gql(EXPORT, { input }, other.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(EXPORT, { input }))).toBe('UNAUTHENTICATED');
    const backwards = await requestExport(server, s.owner.token, { ...input, from: '2026-12-31', to: '2026-01-01' });
    expect(backwards.userErrors[0].code).toBe('INVALID_PERIOD');
  });

  it('a tampered link gets 403, an expired one 410; the sweep deletes the file (EXPIRED)', async () => {
    const { done } = await runExport(s.owner.token, { format: 'CSV' });
    const url = new URL(local(done.url));
    const token = url.searchParams.get('token')!;
    const [id, expiry, mac] = token.split('.');
    for (const forged of [`${id}.${Number(expiry) + 3600}.${mac}`, `${id}.${expiry}.${mac.slice(0, -1)}A`, 'nope']) {
      url.searchParams.set('token', forged);
      expect((await fetch(url)).status).toBe(403);
    }
    const other = new URL(local(done.url));
    other.pathname = `/exports/${gid('BillingExport', 999999)}`;
    expect((await fetch(other)).status).toBe(403);

    server.clock.advance(24 * 3600_000 + 1000);
    expect((await fetch(local(done.url))).status).toBe(410);
    const row = await server.dataSource.getRepository(BillingExportEntity).findOneByOrFail({ id: localId(done.id) });
    const file = join(server.dataDir, 'exports', row.fileName!);
    expect(existsSync(file)).toBe(true);
    const runs = await runJobs(server.app.systemContext(), server.clock.now(), server.app.jobs);
    expect(runs.find((r) => r.name === 'expire-billing-exports')!.changed).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(false);
    const expired = ok(await server.gql(NODE, { id: done.id }, s.owner.token)).node;
    expect(expired).toMatchObject({ status: 'EXPIRED', url: null });
    const again = await runJobs(server.app.systemContext(), server.clock.now(), server.app.jobs);
    expect(again.find((r) => r.name === 'expire-billing-exports')!.changed).toBe(0);
  });

  it('a job whose worker died is taken over once its lease ran out, and the dead worker can no longer touch it', async () => {
    const queued = await requestExport(server, s.owner.token, {
      partnerId: gid('Partner', s.partnerId),
      ...period,
      format: 'CSV',
    });
    const queue = new ExportQueue(server.dataSource);
    const leaseMs = 3000;
    const claimedAt = Date.now();
    const dead = await queue.claim('dead-worker', leaseMs);
    expect(dead?.id).toBe(localId(queued.export.id));
    // While the lease holds, nobody else takes it (checked only if the machine was quick enough to ask in time).
    const whileHeld = await server.app.exportWorker.runOnce();
    if (Date.now() - claimedAt < leaseMs - 500) expect(whileHeld).toBe('none');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, claimedAt + leaseMs + 200 - Date.now())));
    expect(whileHeld === 'none' ? await server.app.exportWorker.runOnce() : whileHeld).toBe('completed');
    const row = await server.dataSource.getRepository(BillingExportEntity).findOneByOrFail({ id: dead!.id });
    expect(row).toMatchObject({ status: 'COMPLETED', attempts: 2, rowCount: 4 });
    expect(await queue.renew(row.id, 'dead-worker', 60_000)).toBe(false);
    expect(await queue.fail(row.id, 'dead-worker', 'late')).toBe(false);
  });

  it('a job abandoned by three workers ends FAILED, never RUNNING forever', async () => {
    const queued = await requestExport(server, s.owner.token, {
      partnerId: gid('Partner', s.partnerId),
      ...period,
      format: 'CSV',
    });
    const queue = new ExportQueue(server.dataSource);
    for (let i = 0; i < 3; i += 1) {
      expect(await queue.claim(`dying-${i}`, 50)).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    expect(await server.app.exportWorker.runOnce()).toBe('none');
    const node = ok(await server.gql(NODE, { id: queued.export.id }, s.owner.token)).node;
    expect(node.status).toBe('FAILED');
    expect(node.failureReason).toMatch(/Abandoned/);
  });

  it('two instances on one database run each job exactly once', async () => {
    const second = await startTestServer({ sameDatabaseAs: server });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1)
        ids.push(
          (
            await requestExport(server, s.owner.token, {
              partnerId: gid('Partner', s.partnerId),
              ...period,
              format: i % 2 ? 'CSV' : 'JSONL',
            })
          ).export.id,
        );
      const [first, other] = await Promise.all([server.app.exportWorker.drain(), second.app.exportWorker.drain()]);
      expect(first + other).toBe(3);
      const rows = await server.dataSource
        .getRepository(BillingExportEntity)
        .findBy(ids.map((id) => ({ id: localId(id) })));
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['COMPLETED', 1],
        ['COMPLETED', 1],
        ['COMPLETED', 1],
      ]);
    } finally {
      await second.stop();
    }
  });

  it('Partner.exports lists them (a limited user: its own only)', async () => {
    await server.gql(
      `mutation($input: UpdateDirectoryListingInput!) { updateDirectoryListing(input: $input) { userErrors { code } } }`,
      { input: { partnerId: gid('Partner', s.partnerId), listed: true, languages: ['fr'] } },
      s.owner.token,
    );
    const q = `{ partnerDirectory(filter: { search: "Golden" }) { edges { node { partner { exports(first: 100) { totalCount edges { node { status } } } } } } } }`;
    const all = ok(await server.gql(q, {}, s.owner.token)).partnerDirectory.edges[0].node.partner.exports;
    const own = ok(await server.gql(q, {}, s.limited.token)).partnerDirectory.edges[0].node.partner.exports;
    expect(all.totalCount).toBeGreaterThan(own.totalCount);
    expect(own.totalCount).toBe(1);
    expect(errorCode(await server.gql(q, {}))).toBe('FORBIDDEN');
  });
});
