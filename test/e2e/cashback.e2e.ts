import { In } from 'typeorm';
import { JobRun, runJobs } from '../../src/jobs/runner';
import { InvoiceEntity } from '../../src/modules/billing/invoice.entity';
import { CashbackEntryEntity, CashbackPayoutEntity } from '../../src/modules/partners/cashback.entity';
import { cashbackSummaryLoader } from '../../src/modules/partners/cashback.service';
import { AccessScope, BillingMode } from '../../src/modules/partners/client-relationship.entity';
import { PartnerEntity, PartnerStatus } from '../../src/modules/partners/partner.entity';
import { LedgerEntryEntity, LedgerEntryKind } from '../../src/modules/prepaid/ledger-entry.entity';
import { PrepaidAccountEntity } from '../../src/modules/prepaid/prepaid-account.entity';
import { ProductType } from '../../src/modules/products/product.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, localId, SignedUp } from '../fixtures/builders';
import { endRelationship, insertPartner, insertProduct, insertRelationship } from '../fixtures/partners';
import { ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const PAY_ORDER = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id status } userErrors { code message } } }`;

const orgId = (org: SignedUp) => localId(org.organizationId);
const services = () => server.app.services;
const system = () => server.app.systemContext();

interface Setup {
  partner: SignedUp;
  partnerRow: PartnerEntity;
  client: SignedUp;
  relationshipId: number;
}

/**
 * A partner at tier PARTNER (20 %: CHF 1700 of its own + its client's 4 × 99.00) and a client with 4
 * active web hostings in an ACTIVE relationship (FULL_ACCOUNT, CLIENT_PAYS unless told otherwise).
 */
async function aPartnerAndClient(
  at: Date,
  options: {
    scope?: AccessScope;
    billingMode?: BillingMode;
    productIds?: (clientOrgId: number) => Promise<number[]>;
    ownVolume?: number;
  } = {},
): Promise<Setup> {
  // Sign-up tokens last 30 days from the clock: everyone signs up when the story starts.
  server.clock.set(at);
  const partner = await anOrganization(server);
  const partnerRow = await insertPartner(server.dataSource, {
    organizationId: orgId(partner),
    status: PartnerStatus.ACTIVE,
  });
  await insertProduct(server.dataSource, {
    organizationId: orgId(partner),
    type: ProductType.KSUITE,
    price: options.ownVolume ?? 1700_00,
  });
  const client = await anOrganization(server);
  for (let i = 0; i < 4; i++) await insertProduct(server.dataSource, { price: 9900, organizationId: orgId(client) });
  const relationship = await insertRelationship(server.dataSource, {
    partnerId: partnerRow.id,
    clientOrganizationId: orgId(client),
    scope: options.scope ?? AccessScope.FULL_ACCOUNT,
    billingMode: options.billingMode ?? BillingMode.CLIENT_PAYS,
    productIds: options.productIds ? await options.productIds(orgId(client)) : undefined,
  });
  return { partner, partnerRow, client, relationshipId: relationship.id };
}

/** The client orders one yearly web hosting (99.00 + VAT) at `at` and pays it with a card; returns the invoice id. */
async function aPaidHosting(client: SignedUp, at: Date): Promise<number> {
  server.clock.set(at);
  const card = await aPaymentMethod(server, client);
  const order = await aPlacedOrder(server, client, [
    { productType: 'WEB_HOSTING', name: `shop-${Math.random().toString(36).slice(2, 8)}` },
  ]);
  const paid = ok(
    await server.gql(
      PAY_ORDER,
      { input: { orderId: order.id, payment: { paymentMethodId: card, idempotencyKey: `pay-${order.id}` } } },
      client.token,
    ),
  );
  expect(paid.payOrder.userErrors).toEqual([]);
  const invoice = await server.dataSource.getRepository(InvoiceEntity).findOneByOrFail({ orderId: localId(order.id) });
  return invoice.id;
}

async function sweep(at: Date): Promise<Record<string, number>> {
  server.clock.set(at);
  const runs: JobRun[] = await runJobs(system(), at, server.app.jobs);
  for (const run of runs) if (run.error) throw run.error;
  return Object.fromEntries(runs.map((r) => [r.name, r.changed]));
}

const entriesOf = (partnerId: number) =>
  server.dataSource.getRepository(CashbackEntryEntity).find({ where: { partnerId }, order: { id: 'ASC' } });
const cashbackLedger = (organizationId: number) =>
  server.dataSource
    .getRepository(LedgerEntryEntity)
    .find({ where: { organizationId, kind: LedgerEntryKind.CASHBACK }, order: { id: 'ASC' } });
const balanceOf = async (organizationId: number) =>
  (await server.dataSource.getRepository(PrepaidAccountEntity).findOneBy({ organizationId }))?.balance ?? 0;
const summaryOf = (partnerId: number, at: Date) => cashbackSummaryLoader(server.dataSource.manager, at).load(partnerId);

const refund = (invoiceId: number, at: Date) => {
  server.clock.set(at);
  return services().invoicePayments.refundInvoice(system(), invoiceId);
};

describe('cashback on client-paid invoices (R30)', () => {
  it('a paid invoice earns public − partner price, pending 30 days, then credited once by the monthly payout, even with two runs at once', async () => {
    const paidAt = new Date('2027-01-10T09:00:00Z');
    const { partner, partnerRow, client } = await aPartnerAndClient(paidAt);
    const invoiceId = await aPaidHosting(client, paidAt);

    // 99.00; 5 web hostings billed to the client → 10 % → 89.10; tier 20 % → 71.28: cashback 27.72.
    const [entry] = await entriesOf(partnerRow.id);
    expect(entry).toMatchObject({ invoiceId, amount: 2772, status: 'PENDING', currency: 'CHF' });
    expect(entry.availableAt.toISOString()).toBe(new Date(paidAt.getTime() + 30 * DAY).toISOString());
    expect(await summaryOf(partnerRow.id, paidAt)).toEqual({ pending: 2772, available: 0, credited: 0, reversed: 0 });

    // Within the 30 days nothing is credited.
    expect((await sweep(new Date(paidAt.getTime() + 29 * DAY)))['credit-cashback']).toBe(0);
    expect(await cashbackLedger(orgId(partner))).toHaveLength(0);

    const due = new Date(paidAt.getTime() + 30 * DAY);
    expect(await summaryOf(partnerRow.id, due)).toEqual({ pending: 0, available: 2772, credited: 0, reversed: 0 });
    server.clock.set(due);
    // Two instances' payouts at once (no job lock between them): one credit.
    const results = await Promise.all([
      services().cashback.creditDue(system().at(due), due),
      services().cashback.creditDue(system().at(due), due),
    ]);
    expect(results.sort()).toEqual([0, 1]);
    expect((await cashbackLedger(orgId(partner))).map((e) => e.amount)).toEqual([2772]);
    expect(await balanceOf(orgId(partner))).toBe(2772);
    const payouts = await server.dataSource.getRepository(CashbackPayoutEntity).findBy({ partnerId: partnerRow.id });
    expect(payouts).toMatchObject([
      { period: '2027-02', amount: 2772, idempotencyKey: `cashback:${partnerRow.id}:2027-02` },
    ]);
    expect(await summaryOf(partnerRow.id, due)).toEqual({ pending: 0, available: 0, credited: 2772, reversed: 0 });

    // Two sweeps of the scheduler at once, and again later: nothing more.
    const runs = await Promise.all([runJobs(system(), due, server.app.jobs), runJobs(system(), due, server.app.jobs)]);
    for (const run of runs.flat()) if (run.error) throw run.error;
    expect((await sweep(new Date(due.getTime() + DAY)))['credit-cashback']).toBe(0);
    expect(await cashbackLedger(orgId(partner))).toHaveLength(1);
  });

  it('cashback available after this month’s payout waits for the next month', async () => {
    const { partner, partnerRow, client } = await aPartnerAndClient(new Date('2027-03-01T08:00:00Z'));
    await aPaidHosting(client, new Date('2027-03-01T09:00:00Z'));
    await aPaidHosting(client, new Date('2027-03-20T09:00:00Z'));
    expect((await sweep(new Date('2027-04-05T00:00:00Z')))['credit-cashback']).toBe(1);
    // The second payment's cashback becomes available on 2027-04-19: not credited again in April.
    expect((await sweep(new Date('2027-04-25T00:00:00Z')))['credit-cashback']).toBe(0);
    expect((await sweep(new Date('2027-05-01T00:00:00Z')))['credit-cashback']).toBe(1);
    const ledger = await cashbackLedger(orgId(partner));
    expect(ledger).toHaveLength(2);
    // The sixth web hosting is still in the 5–9 step: the same 27.72.
    expect(ledger.map((e) => e.amount)).toEqual([2772, 2772]);
    expect((await entriesOf(partnerRow.id)).map((e) => e.status)).toEqual(['CREDITED', 'CREDITED']);
  });

  it('a refund before crediting cancels the cashback', async () => {
    const paidAt = new Date('2027-06-01T09:00:00Z');
    const { partner, partnerRow, client } = await aPartnerAndClient(paidAt);
    const invoiceId = await aPaidHosting(client, paidAt);
    await refund(invoiceId, new Date(paidAt.getTime() + 5 * DAY));
    expect((await entriesOf(partnerRow.id)).map((e) => [e.amount, e.status])).toEqual([[2772, 'CANCELLED']]);
    expect((await sweep(new Date(paidAt.getTime() + 40 * DAY)))['credit-cashback']).toBe(0);
    expect(await cashbackLedger(orgId(partner))).toHaveLength(0);
    expect(await summaryOf(partnerRow.id, new Date(paidAt.getTime() + 40 * DAY))).toEqual({
      pending: 0,
      available: 0,
      credited: 0,
      reversed: 2772,
    });
  });

  it('a refund after crediting takes it back with a negative entry at the next payout', async () => {
    const paidAt = new Date('2027-08-01T09:00:00Z');
    const { partner, partnerRow, client } = await aPartnerAndClient(paidAt);
    const invoiceId = await aPaidHosting(client, paidAt);
    expect((await sweep(new Date('2027-09-01T00:00:00Z')))['credit-cashback']).toBe(1);
    expect(await balanceOf(orgId(partner))).toBe(2772);

    await refund(invoiceId, new Date('2027-09-10T00:00:00Z'));
    await refund(invoiceId, new Date('2027-09-10T00:00:00Z')).catch(() => undefined);
    const entries = await entriesOf(partnerRow.id);
    expect(entries.map((e) => [e.amount, e.status])).toEqual([
      [2772, 'CREDITED'],
      [-2772, 'PENDING'],
    ]);
    expect(await summaryOf(partnerRow.id, new Date('2027-09-10T00:00:00Z'))).toEqual({
      pending: 0,
      available: -2772,
      credited: 2772,
      reversed: 2772,
    });
    // Already paid out in September: the reversal is deducted in October.
    expect((await sweep(new Date('2027-09-15T00:00:00Z')))['credit-cashback']).toBe(0);
    expect((await sweep(new Date('2027-10-01T00:00:00Z')))['credit-cashback']).toBe(1);
    expect((await cashbackLedger(orgId(partner))).map((e) => e.amount)).toEqual([2772, -2772]);
    expect(await balanceOf(orgId(partner))).toBe(0);
    expect(await summaryOf(partnerRow.id, new Date('2027-10-01T00:00:00Z'))).toEqual({
      pending: 0,
      available: 0,
      credited: 2772,
      reversed: 2772,
    });
  });

  it('payments after the relationship ended, and invoices the partner pays, earn nothing', async () => {
    const ended = await aPartnerAndClient(new Date('2027-11-01T08:00:00Z'));
    await endRelationship(server.dataSource, ended.relationshipId);
    await aPaidHosting(ended.client, new Date('2027-11-01T09:00:00Z'));
    expect(await entriesOf(ended.partnerRow.id)).toHaveLength(0);

    const partnerPays = await aPartnerAndClient(new Date('2027-11-02T08:00:00Z'), {
      billingMode: BillingMode.PARTNER_PAYS,
    });
    server.clock.set(new Date('2027-11-02T09:00:00Z'));
    const order = await aPlacedOrder(server, partnerPays.client, [
      { productType: 'WEB_HOSTING', name: 'partner-paid-shop' },
    ]);
    const invoice = await server.dataSource
      .getRepository(InvoiceEntity)
      .findOneByOrFail({ orderId: localId(order.id) });
    const card = await aPaymentMethod(server, partnerPays.partner);
    await services().invoicePayments.pay(server.app.systemContext(), [invoice.id], {
      paymentMethodId: localId(card),
      prepaidAmount: 0,
      idempotencyKey: 'partner-pays-1',
    });
    expect((await server.dataSource.getRepository(InvoiceEntity).findOneByOrFail({ id: invoice.id })).status).toBe(
      'PAID',
    );
    expect(await entriesOf(partnerPays.partnerRow.id)).toHaveLength(0);
  });

  it('with scope PRODUCTS only the listed products earn', async () => {
    let listed = 0;
    let unlisted = 0;
    const { partnerRow, client } = await aPartnerAndClient(new Date('2028-01-01T08:00:00Z'), {
      scope: AccessScope.PRODUCTS,
      // Only the listed product counts in the partner's volume: 1950 + 99 reaches the 20 % tier.
      ownVolume: 1950_00,
      productIds: async (clientOrgId) => {
        const expiresAt = new Date('2028-01-20T00:00:00Z');
        listed = await insertProduct(server.dataSource, { price: 9900, organizationId: clientOrgId, expiresAt });
        unlisted = await insertProduct(server.dataSource, { price: 9900, organizationId: clientOrgId, expiresAt });
        return [listed];
      },
    });
    // A new order is no listed product: nothing.
    await aPaidHosting(client, new Date('2028-01-01T09:00:00Z'));
    expect(await entriesOf(partnerRow.id)).toHaveLength(0);
    // The client renews both products by paying their renewal invoices (issued by the sweep, auto-renewal off → open invoices).
    const card = await aPaymentMethod(server, client);
    for (const productId of [listed, unlisted]) {
      const invoice = await issueRenewal(productId);
      await services().invoicePayments.pay(server.app.systemContext(), [invoice], {
        paymentMethodId: localId(card),
        prepaidAmount: 0,
        idempotencyKey: `renew-${productId}`,
      });
    }
    const entries = await entriesOf(partnerRow.id);
    // The client has 7 active web hostings (5–9 → 10 %): 99.00 → 71.28, as above.
    expect(entries.map((e) => e.amount)).toEqual([2772]);
    const line = await server.dataSource.getRepository(InvoiceEntity).findOneByOrFail({ id: entries[0].invoiceId });
    expect(line.subjectId).toBe(listed);
    expect(
      await server.dataSource
        .getRepository(CashbackEntryEntity)
        .countBy({ invoiceId: In(entries.map((e) => e.invoiceId)) }),
    ).toBe(1);
  });
});

/** Issues a product's renewal invoice as the renewal sweep does (the invoice service directly); returns its id. */
async function issueRenewal(productId: number): Promise<number> {
  const ctx = server.app.systemContext();
  const product = await server.dataSource.getRepository('ProductEntity').findOneByOrFail({ id: productId });
  const invoices = services().invoices;
  await invoices.prepareIssue(ctx, ctx.now());
  const invoice = await ctx.transaction((ctx) =>
    invoices.issue(ctx, {
      organizationId: product.organizationId,
      subject: 'RENEWAL' as never,
      subjectId: product.id,
      currency: 'CHF',
      lines: [
        {
          listAmount: product.price,
          degressiveDiscount: 0,
          partnerDiscount: 0,
          netAmount: product.price,
          vatAmount: Math.round(product.price * 0.081),
          grossAmount: product.price + Math.round(product.price * 0.081),
          description: 'renewal',
          productType: product.type,
          billingPeriod: product.billingPeriod,
          productId: product.id,
          orderLineId: null,
          quantity: 1,
          vatRateBp: 810,
          periodStart: product.expiresAt.toISOString().slice(0, 10),
          periodEnd: null,
        },
      ],
    }),
  );
  return invoice.id;
}
