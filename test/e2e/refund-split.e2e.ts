import { runJobs } from '../../src/jobs/runner';
import { PaymentEntity, PaymentStatus } from '../../src/modules/payments/payment.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, aPrepaidBalance, localId } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const BALANCE = `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } } } }`;

describe('cancelling a blocked order paid together with another invoice (R22)', () => {
  it("gives the blocked order's share back to where it came from: its prepaid part to the prepaid account", async () => {
    const org = await anOrganization(server);
    const card = await aPaymentMethod(server, org, 'test_visa');
    await aPrepaidBalance(server, org, '500.00', card);
    const blocked = await aPlacedOrder(server, org, [{ productType: 'DOMAIN', name: `paypal-${Date.now()}.ch` }]);
    expect(blocked.status).toBe('BLOCKED');
    const other = await aPlacedOrder(server, org, [{ productType: 'WEB_HOSTING', name: `plain-${Date.now()}` }]);
    const paid = ok(
      await server.gql(
        `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { status } userErrors { code message } } }`,
        {
          input: {
            invoiceIds: [blocked.invoice.id, other.invoice.id],
            payment: {
              paymentMethodId: card,
              prepaidAmount: blocked.invoice.total.amount,
              idempotencyKey: 'shared-payment',
            },
          },
        },
        org.token,
      ),
    );
    expect(paid.payInvoices.userErrors).toEqual([]);
    const balance = async () =>
      ok(await server.gql(BALANCE, { id: org.organizationId }, org.token)).organization.prepaidAccount.balance.amount;
    const afterPayment = await balance();
    expect(Number(afterPayment)).toBeCloseTo(500 - Number(blocked.invoice.total.amount), 2);

    const at = new Date(Date.now() + 11 * 86_400_000);
    const runs = await runJobs(server.app.systemContext(), at, server.app.jobs);
    expect(runs.find((r) => r.name === 'cancel-blocked-orders')).toMatchObject({ changed: 1 });
    expect(await balance()).toBe('500.00');
    const order = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Order { status invoice { status } } } }`,
        { id: blocked.id },
        org.token,
      ),
    ).node;
    expect(order).toEqual({ status: 'CANCELLED', invoice: { status: 'REFUNDED' } });
  });
});

const PAY_INVOICES = `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { status } userErrors { code message } } }`;
const ORDER_STATE = `query($id: ID!) { node(id: $id) { ... on Order { status invoice { status } } } }`;

describe('bank transfers and orders that cannot be delivered', () => {
  it('a transfer may not pay a blocked order together with other invoices (it could not be cancelled alone)', async () => {
    const org = await anOrganization(server);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const blocked = await aPlacedOrder(server, org, [{ productType: 'DOMAIN', name: `paypal-${Date.now()}.ch` }]);
    const other = await aPlacedOrder(server, org, [{ productType: 'WEB_HOSTING', name: `plain-${Date.now()}` }]);
    const refused = ok(
      await server.gql(
        PAY_INVOICES,
        {
          input: {
            invoiceIds: [other.invoice.id, blocked.invoice.id],
            payment: { paymentMethodId: iban, idempotencyKey: 'mixed-transfer' },
          },
        },
        org.token,
      ),
    );
    expect(refused.payInvoices.userErrors[0].code).toBe('INVOICE_NOT_PAYABLE');
    expect(
      await server.dataSource.getRepository(PaymentEntity).countBy({ organizationId: localId(org.organizationId) }),
    ).toBe(0);
    const alone = ok(
      await server.gql(
        PAY_INVOICES,
        {
          input: {
            invoiceIds: [blocked.invoice.id],
            payment: { paymentMethodId: iban, idempotencyKey: 'blocked-alone' },
          },
        },
        org.token,
      ),
    );
    expect(alone.payInvoices).toEqual({ invoices: [{ status: 'PRO_FORMA' }], userErrors: [] });
  });

  it('a transfer that arrives after the domain went to someone else is recorded, then refunded and the order cancelled', async () => {
    const name = `race-${Date.now()}.ch`;
    const slow = await anOrganization(server);
    const fast = await anOrganization(server);
    const iban = await aPaymentMethod(server, slow, 'test_iban', 'IBAN_TRANSFER');
    const card = await aPaymentMethod(server, fast, 'test_visa');
    const slowOrder = await aPlacedOrder(server, slow, [{ productType: 'DOMAIN', name }]);
    const fastOrder = await aPlacedOrder(server, fast, [{ productType: 'DOMAIN', name }]);
    ok(
      await server.gql(
        PAY_INVOICES,
        { input: { invoiceIds: [slowOrder.invoice.id], payment: { paymentMethodId: iban, idempotencyKey: 'slow' } } },
        slow.token,
      ),
    );
    const fastPaid = ok(
      await server.gql(
        PAY_INVOICES,
        { input: { invoiceIds: [fastOrder.invoice.id], payment: { paymentMethodId: card, idempotencyKey: 'fast' } } },
        fast.token,
      ),
    );
    expect(fastPaid.payInvoices.invoices).toEqual([{ status: 'PAID' }]);

    const transfer = await server.dataSource
      .getRepository(PaymentEntity)
      .findOneByOrFail({ organizationId: localId(slow.organizationId), status: PaymentStatus.PENDING });
    const { changed } = await server.app.services.payments.reconcile(server.app.systemContext(), transfer.id);
    expect(changed).toBe(true);
    expect(ok(await server.gql(ORDER_STATE, { id: slowOrder.id }, slow.token)).node).toEqual({
      status: 'CANCELLED',
      invoice: { status: 'REFUNDED' },
    });
    expect((await server.dataSource.getRepository(PaymentEntity).findOneByOrFail({ id: transfer.id })).status).toBe(
      PaymentStatus.REFUNDED,
    );
    expect(ok(await server.gql(ORDER_STATE, { id: fastOrder.id }, fast.token)).node.status).toBe('PAID');
  });
});
