import { JOBS, runJobs } from '../../src/jobs/runner';
import { anOrganization, aPaymentMethod, aPlacedOrder, aPrepaidBalance } from '../fixtures/builders';
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
        { input: { invoiceIds: [blocked.invoice.id, other.invoice.id], payment: { paymentMethodId: card, prepaidAmount: blocked.invoice.total.amount, idempotencyKey: 'shared-payment' } } },
        org.token,
      ),
    );
    expect(paid.payInvoices.userErrors).toEqual([]);
    const balance = async () => ok(await server.gql(BALANCE, { id: org.organizationId }, org.token)).organization.prepaidAccount.balance.amount;
    const afterPayment = await balance();
    expect(Number(afterPayment)).toBeCloseTo(500 - Number(blocked.invoice.total.amount), 2);

    const at = new Date(Date.now() + 11 * 86_400_000);
    const runs = await runJobs(server.app.systemContext(), at, JOBS);
    expect(runs.find((r) => r.name === 'cancel-blocked-orders')).toMatchObject({ changed: 1 });
    expect(await balance()).toBe('500.00');
    const order = ok(await server.gql(`query($id: ID!) { node(id: $id) { ... on Order { status invoice { status } } } }`, { id: blocked.id }, org.token)).node;
    expect(order).toEqual({ status: 'CANCELLED', invoice: { status: 'REFUNDED' } });
  });
});
