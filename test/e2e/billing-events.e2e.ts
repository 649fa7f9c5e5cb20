import { runJobs } from '../../src/jobs/runner';
import { BusinessError } from '../../src/graphql/errors';
import { InvoiceEntity } from '../../src/modules/billing/invoice.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, localId, SignedUp } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

/*
 * Billing's events (services.ts wires orders and renewals to them; the partner program's cashback
 * and commissions will subscribe the same way): what is published, with which payload, and that a
 * listener runs inside the publishing transaction.
 */

interface Seen {
  event: string;
  invoiceIds: number[];
  subject?: string;
  subjectId?: number;
  organizationId: number;
  status?: string;
  previousStatus?: string;
  received?: number;
  bankTransfer?: boolean;
  inTransaction: boolean;
}

let server: TestServer;
let seen: Seen[] = [];
/** Set by a test: the `paid` listener refuses with this error. */
let refusePaid: Error | null = null;

const START = '2026-03-02T09:00:00.000Z';
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set(START);
  const events = server.app.services.billingEvents;
  const inTransaction = (ctx: { em: { queryRunner?: { isTransactionActive: boolean } } }) =>
    !!ctx.em.queryRunner?.isTransactionActive;
  const record = (event: string, e: { ctx: never; invoice: InvoiceEntity } & Partial<Seen>) =>
    seen.push({
      event,
      invoiceIds: [e.invoice.id],
      subject: e.invoice.subject,
      subjectId: e.invoice.subjectId,
      organizationId: e.invoice.organizationId,
      status: e.invoice.status,
      ...(e.previousStatus ? { previousStatus: e.previousStatus } : {}),
      ...(e.received !== undefined ? { received: e.received } : {}),
      inTransaction: inTransaction(e.ctx),
    });
  events.on('paying', (e) => {
    seen.push({
      event: 'paying',
      invoiceIds: e.invoices.map((i) => i.id),
      organizationId: e.organizationId,
      bankTransfer: e.bankTransfer,
      inTransaction: inTransaction(e.ctx),
    });
  });
  events.on('issued', (e) => void record('issued', e as never));
  events.on('paid', (e) => {
    if (refusePaid) throw refusePaid;
    record('paid', e as never);
  });
  events.on('refunded', (e) => void record('refunded', e as never));
});
afterAll(() => server.stop());
beforeEach(() => {
  seen = [];
  refusePaid = null;
});

const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id status invoice { status } } userErrors { code field message } } }`;
const PRODUCTS = `query($id: ID!) { organization(id: $id) { products { edges { node { id expiresAt } } } } }`;
const INVOICE = `query($id: ID!) { node(id: $id) { ... on Invoice { status } } }`;

const pay = (org: SignedUp, orderId: string, paymentMethodId: string, key = `pay-${orderId}-${Date.now()}`) =>
  server.gql(PAY, { input: { orderId, payment: { paymentMethodId, idempotencyKey: key } } }, org.token);

describe('billing events', () => {
  it('placing and paying an order publishes issued, paying and paid for its invoice (subject ORDER), in the transaction', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    const invoiceId = localId(order.invoice.id);
    const organizationId = localId(org.organizationId);
    const orderRef = { subject: 'ORDER', subjectId: localId(order.id), organizationId, inTransaction: true };
    expect(seen).toEqual([{ event: 'issued', invoiceIds: [invoiceId], status: 'OPEN', ...orderRef }]);

    seen = [];
    const paid = ok(await pay(org, order.id, visa)).payOrder;
    expect(paid).toMatchObject({ userErrors: [], order: { status: 'PAID', invoice: { status: 'PAID' } } });
    expect(seen).toEqual([
      { event: 'paying', invoiceIds: [invoiceId], organizationId, bankTransfer: false, inTransaction: true },
      {
        event: 'paid',
        invoiceIds: [invoiceId],
        status: 'PAID',
        received: Math.round(Number(order.total.amount) * 100),
        ...orderRef,
      },
    ]);
  });

  it('a listener that refuses a payment rolls it back: the invoice stays open and can be paid later', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    refusePaid = new BusinessError('TEST_REFUSED', 'A listener refused.');
    const refused = ok(await pay(org, order.id, visa)).payOrder;
    expect(refused.userErrors).toEqual([{ code: 'TEST_REFUSED', field: null, message: 'A listener refused.' }]);
    expect(ok(await server.gql(INVOICE, { id: order.invoice.id }, org.token)).node.status).toBe('OPEN');

    refusePaid = null;
    const paid = ok(await pay(org, order.id, visa)).payOrder;
    expect(paid).toMatchObject({ userErrors: [], order: { status: 'PAID', invoice: { status: 'PAID' } } });
  });

  it('cancelling a paid blocked order publishes refunded with the status it had', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const blocked = await aPlacedOrder(server, org, [{ productType: 'DOMAIN', name: `paypal-${Date.now()}.ch` }]);
    expect(blocked.status).toBe('BLOCKED');
    expect(ok(await pay(org, blocked.id, visa)).payOrder.order).toMatchObject({
      status: 'BLOCKED',
      invoice: { status: 'PAID' },
    });
    seen = [];
    await server.app.services.orders.cancelBlocked(server.app.systemContext(), localId(blocked.id));
    expect(seen).toEqual([
      {
        event: 'refunded',
        invoiceIds: [localId(blocked.invoice.id)],
        subject: 'ORDER',
        subjectId: localId(blocked.id),
        organizationId: localId(org.organizationId),
        status: 'REFUNDED',
        previousStatus: 'PAID',
        inTransaction: true,
      },
    ]);
  });

  it('a renewal invoice bills the product (subject RENEWAL) and its payment extends the product', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    ok(await pay(org, order.id, visa));
    const product = ok(await server.gql(PRODUCTS, { id: org.organizationId }, org.token)).organization.products.edges[0]
      .node;
    const expiresAt = new Date(product.expiresAt);
    seen = [];
    const at = new Date(expiresAt.getTime() - 10 * 86_400_000);
    server.clock.set(at);
    try {
      const runs = await runJobs(server.app.systemContext(), at, server.app.jobs);
      // Products of the earlier tests of this file renew too: only this organization's events are checked.
      expect(runs.find((r) => r.name === 'renew-products')?.changed).toBeGreaterThanOrEqual(1);
    } finally {
      server.clock.set(START);
    }
    const renewal = { subject: 'RENEWAL', subjectId: localId(product.id), organizationId: localId(org.organizationId) };
    const ofThisOrganization = seen.filter((s) => s.organizationId === renewal.organizationId);
    expect(ofThisOrganization.map((s) => [s.event, s.subject, s.subjectId, s.organizationId])).toEqual([
      ['issued', ...Object.values(renewal)],
      ['paying', undefined, undefined, renewal.organizationId],
      ['paid', ...Object.values(renewal)],
    ]);
    const extended = ok(await server.gql(PRODUCTS, { id: org.organizationId }, org.token)).organization.products
      .edges[0].node;
    expect(new Date(extended.expiresAt).getTime()).toBeGreaterThan(expiresAt.getTime());
  });
});
