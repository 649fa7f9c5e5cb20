import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity';
import { InvoiceEntity, Payer } from '../../src/modules/billing/invoice.entity';
import { InvoicePaymentEntity } from '../../src/modules/billing/invoice-payment.entity';
import {
  AccessScope,
  BillingMode,
  ClientRelationshipEntity,
  RelationshipStatus,
} from '../../src/modules/partners/client-relationship.entity';
import { PartnerStatus } from '../../src/modules/partners/partner.entity';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import { ProductEntity, ProductType } from '../../src/modules/products/product.entity';
import { JobRun, runJobs } from '../../src/jobs/runner';
import { toGlobalId } from '../../src/graphql/global-id';
import {
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPrepaidBalance,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { endRelationship, insertPartner, insertProduct, insertRelationship } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;

const SET_MODE = `mutation($input: SetClientBillingModeInput!) { setClientBillingMode(input: $input) {
  relationship { id billingMode status } userErrors { code message field } } }`;
const LINES = `lines { listAmount { amount } degressiveDiscount { amount } partnerDiscount { amount } netAmount { amount } vatAmount { amount } grossAmount { amount } }`;
const INVOICES = `query($id: ID!) { organization(id: $id) { invoices { totalCount edges { node {
  id number payer status total { amount } organization { id } billedTo { id } ${LINES} } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on Invoice { payer } } }`;
const PAY = `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { id status } userErrors { code message } } }`;
const ORDER = `query($id: ID!) { node(id: $id) { ... on Order { status total { amount } invoice { id } } } }`;
const PREPAID = `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } } } }`;

const orgId = (org: SignedUp) => localId(org.organizationId);
const relationshipId = (id: number) => toGlobalId('ClientRelationship', id);

/**
 * A partner (tier PARTNER, 20 %: it manages CHF 1700 of its own plus its client's CHF 396) and a client
 * with 4 active web hostings, in a FULL_ACCOUNT CLIENT_PAYS relationship.
 */
async function aPartnerAndClient(options: { scope?: AccessScope; status?: RelationshipStatus; currency?: 'EUR' } = {}) {
  const partner = await anOrganization(server, { currency: options.currency });
  const partnerRow = await insertPartner(server.dataSource, {
    organizationId: orgId(partner),
    status: PartnerStatus.ACTIVE,
  });
  await insertProduct(server.dataSource, {
    organizationId: orgId(partner),
    type: ProductType.KSUITE,
    price: 1700_00,
    currency: options.currency,
  });
  const client = await anOrganization(server);
  for (let i = 0; i < 4; i++) await insertProduct(server.dataSource, { price: 9900, organizationId: orgId(client) });
  const relationship = await insertRelationship(server.dataSource, {
    partnerId: partnerRow.id,
    clientOrganizationId: orgId(client),
    scope: options.scope ?? AccessScope.FULL_ACCOUNT,
    status: options.status,
  });
  return { partner, client, partnerRow, relationship };
}

const setMode = (token: string, id: number, billingMode: BillingMode) =>
  server.gql(SET_MODE, { input: { relationshipId: relationshipId(id), billingMode } }, token);

const invoicesOf = async (org: SignedUp, token = org.token) =>
  ok(await server.gql(INVOICES, { id: org.organizationId }, token)).organization.invoices;

const mailsTo = (email: string, subject: RegExp) =>
  server.mails().filter((m) => m.to.includes(email) && subject.test(m.subject));

describe('setClientBillingMode (R31)', () => {
  it('the client switches to PARTNER_PAYS: audited in both organizations, the partner is mailed; the same mode again changes nothing', async () => {
    const { partner, client, relationship } = await aPartnerAndClient();
    const data = ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));
    expect(data.setClientBillingMode).toEqual({
      relationship: { id: relationshipId(relationship.id), billingMode: 'PARTNER_PAYS', status: 'ACTIVE' },
      userErrors: [],
    });
    expect(mailsTo(partner.email, /changed who pays its invoices/)).toHaveLength(1);
    const audits = await server.dataSource.getRepository(AuditEventEntity).findBy({
      action: 'relationship.billing_mode_changed',
      target: `relationship:${relationship.id} CLIENT_PAYS -> PARTNER_PAYS`,
    });
    expect(audits.map((a) => a.organizationId).sort()).toEqual([orgId(client), orgId(partner)].sort());

    // A double submit answers the same and neither mails nor audits again.
    expect(
      ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS)).setClientBillingMode.userErrors,
    ).toEqual([]);
    expect(mailsTo(partner.email, /changed who pays its invoices/)).toHaveLength(1);
  });

  it('only the client’s legal representatives choose; others are refused and nothing changes', async () => {
    const { partner, client, relationship } = await aPartnerAndClient();
    const clientAdmin = await aMember(server, client, { role: 'ADMINISTRATOR' });
    const clientUser = await aMember(server, client, { role: 'USER' });
    const stranger = await anOrganization(server);
    expect(errorCode(await setMode(partner.token, relationship.id, BillingMode.PARTNER_PAYS))).toBe('FORBIDDEN');
    expect(errorCode(await setMode(clientAdmin.token, relationship.id, BillingMode.PARTNER_PAYS))).toBe('FORBIDDEN');
    expect(errorCode(await setMode(clientUser.token, relationship.id, BillingMode.PARTNER_PAYS))).toBe('FORBIDDEN');
    const unknown = ok(await setMode(stranger.token, relationship.id, BillingMode.PARTNER_PAYS));
    expect(unknown.setClientBillingMode.userErrors[0].code).toBe('RELATIONSHIP_NOT_FOUND');
    const bad = ok(
      await server.gql(SET_MODE, { input: { relationshipId: 'nope', billingMode: 'PARTNER_PAYS' } }, client.token),
    );
    expect(bad.setClientBillingMode.userErrors[0].code).toBe('INVALID_ID');
    const row = await server.dataSource
      .getRepository(ClientRelationshipEntity)
      .findOneByOrFail({ id: relationship.id });
    expect(row.billingMode).toBe(BillingMode.CLIENT_PAYS);
  });

  it.each([
    ['a PRODUCTS scope', { scope: AccessScope.PRODUCTS }, 'PARTNER_PAYS_NEEDS_FULL_ACCOUNT'],
    ['a pending relationship', { status: RelationshipStatus.PENDING_CLIENT_APPROVAL }, 'RELATIONSHIP_NOT_ACTIVE'],
    ['a partner billed in EUR', { currency: 'EUR' as const }, 'CURRENCY_MISMATCH'],
  ])('PARTNER_PAYS is refused with %s', async (_label, options, code) => {
    const { client, relationship } = await aPartnerAndClient(options);
    const data = ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));
    expect(data.setClientBillingMode).toMatchObject({ relationship: null, userErrors: [{ code }] });
  });

  it('an ended relationship keeps its mode', async () => {
    const { client, relationship } = await aPartnerAndClient();
    await endRelationship(server.dataSource, relationship.id);
    const data = ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));
    expect(data.setClientBillingMode.userErrors[0].code).toBe('RELATIONSHIP_CLOSED');
  });
});

describe('PARTNER_PAYS invoices (R30, R31)', () => {
  it('bills the partner at its price, hides the invoice from the client, and the partner pays with its prepaid account; back to CLIENT_PAYS the next invoice is the client’s', async () => {
    const { partner, client, relationship } = await aPartnerAndClient();
    ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));

    const order = await aPlacedOrder(server, client, [{ productType: 'WEB_HOSTING', name: 'partner-paid' }]);
    // 99.00 list; 5 web hostings billed to the partner → 10 % degressive (89.10); tier PARTNER 20 % → 71.28; VAT 8.1 % 5.77.
    expect(order.total.amount).toBe('77.05');
    expect(order.invoice).toBeNull();

    const mine = await invoicesOf(partner);
    expect(mine.totalCount).toBe(1);
    const invoice = mine.edges[0].node;
    expect(invoice).toMatchObject({
      payer: 'PARTNER',
      status: 'OPEN',
      total: { amount: '77.05' },
      organization: { id: client.organizationId },
      billedTo: { id: partner.organizationId },
      lines: [
        {
          listAmount: { amount: '99.00' },
          degressiveDiscount: { amount: '9.90' },
          partnerDiscount: { amount: '17.82' },
          netAmount: { amount: '71.28' },
          vatAmount: { amount: '5.77' },
          grossAmount: { amount: '77.05' },
        },
      ],
    });

    // The client sees nothing of it and cannot pay it.
    expect((await invoicesOf(client)).totalCount).toBe(0);
    expect(ok(await server.gql(NODE, { id: invoice.id }, client.token)).node).toBeNull();
    const clientCard = await aPaymentMethod(server, client);
    const refused = await server.gql(
      PAY,
      { input: { invoiceIds: [invoice.id], payment: { paymentMethodId: clientCard, idempotencyKey: 'client-tries' } } },
      client.token,
    );
    // It answers like an invoice that does not exist (uniform not-found): nothing about the partner leaks.
    expect(ok(refused).payInvoices).toMatchObject({ invoices: [], userErrors: [{ code: 'INVOICE_NOT_FOUND' }] });
    // Nor may the partner pay it with the client's card.
    const foreign = await server.gql(
      PAY,
      { input: { invoiceIds: [invoice.id], payment: { paymentMethodId: clientCard, idempotencyKey: 'foreign-card' } } },
      partner.token,
    );
    expect(ok(foreign).payInvoices.userErrors).toMatchObject([{ code: 'PAYMENT_METHOD_NOT_FOUND' }]);

    const partnerCard = await aPaymentMethod(server, partner);
    await aPrepaidBalance(server, partner, '100.00', partnerCard);
    const paid = ok(
      await server.gql(
        PAY,
        { input: { invoiceIds: [invoice.id], payment: { prepaidAmount: '77.05', idempotencyKey: 'partner-pays' } } },
        partner.token,
      ),
    );
    expect(paid.payInvoices).toMatchObject({ invoices: [{ status: 'PAID' }], userErrors: [] });
    expect(
      ok(await server.gql(PREPAID, { id: partner.organizationId }, partner.token)).organization.prepaidAccount.balance
        .amount,
    ).toBe('22.95');
    // The products stay in the client organization.
    expect(ok(await server.gql(ORDER, { id: order.id }, client.token)).node.status).toBe('PAID');
    expect(await server.dataSource.getRepository(ProductEntity).countBy({ organizationId: orgId(client) })).toBe(5);
    expect(await server.dataSource.getRepository(ProductEntity).countBy({ organizationId: orgId(partner) })).toBe(1);

    // Back to CLIENT_PAYS: the next invoice is the client's at the public price; the paid one stays the partner's.
    ok(await setMode(client.token, relationship.id, BillingMode.CLIENT_PAYS));
    const next = await aPlacedOrder(server, client, [{ productType: 'WEB_HOSTING', name: 'client-paid' }]);
    expect(next.total.amount).toBe('107.02');
    expect(next.invoice).not.toBeNull();
    const clients = await invoicesOf(client);
    expect(clients.edges.map((e: any) => [e.node.payer, e.node.total.amount])).toEqual([['CLIENT', '107.02']]);
    const partners = await invoicesOf(partner);
    expect(partners.edges.map((e: any) => [e.node.id, e.node.payer, e.node.status])).toEqual([
      [invoice.id, 'PARTNER', 'PAID'],
    ]);
  });

  it('an ended relationship bills the client again', async () => {
    const { partner, client, relationship } = await aPartnerAndClient();
    ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));
    await endRelationship(server.dataSource, relationship.id);
    const order = await aPlacedOrder(server, client, [{ productType: 'WEB_HOSTING', name: 'after-end' }]);
    expect(order.total.amount).toBe('107.02');
    expect((await invoicesOf(partner)).totalCount).toBe(0);
  });

  it('a renewal under PARTNER_PAYS is billed to the partner at its price and charged to the partner’s card', async () => {
    const start = new Date('2027-03-01T09:00:00Z');
    server.clock.set(start);
    const { partner, client, relationship } = await aPartnerAndClient();
    const expiresAt = new Date(start.getTime() + 20 * DAY);
    const productId = await insertProduct(server.dataSource, {
      price: 9900,
      organizationId: orgId(client),
      autoRenew: true,
      expiresAt,
    });
    const clientCard = await aPaymentMethod(server, client);
    await server.dataSource
      .getRepository(ProductEntity)
      .update({ id: productId }, { autoRenewPaymentMethodId: localId(clientCard) });
    ok(await setMode(client.token, relationship.id, BillingMode.PARTNER_PAYS));
    const partnerCard = await aPaymentMethod(server, partner);

    const at = new Date(expiresAt.getTime() - 14 * DAY);
    server.clock.set(at);
    const runs: JobRun[] = await runJobs(server.app.systemContext(), at, server.app.jobs);
    for (const run of runs) if (run.error) throw run.error;

    const renewal = await server.dataSource
      .getRepository(InvoiceEntity)
      .findOneByOrFail({ organizationId: orgId(client), subjectId: productId });
    // 5 web hostings billed to the partner (the renewed one among them): 10 % then 20 %.
    expect(renewal).toMatchObject({
      payer: Payer.PARTNER,
      billedToOrganizationId: orgId(partner),
      subtotal: 7128,
      total: 7705,
      status: 'PAID',
    });
    const share = await server.dataSource
      .getRepository(InvoicePaymentEntity)
      .findOneByOrFail({ invoiceId: renewal.id });
    const payment = await server.dataSource.getRepository(PaymentEntity).findOneByOrFail({ id: share.paymentId });
    expect(payment).toMatchObject({ organizationId: orgId(partner), paymentMethodId: localId(partnerCard) });
    const product = await server.dataSource.getRepository(ProductEntity).findOneByOrFail({ id: productId });
    expect(product.expiresAt.getTime()).toBeGreaterThan(expiresAt.getTime());
    expect(product.organizationId).toBe(orgId(client));
  });
});
