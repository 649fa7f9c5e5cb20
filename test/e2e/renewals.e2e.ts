import { JobRun, runJobs } from '../../src/jobs/runner';
import { InvoiceEntity } from '../../src/modules/billing/invoice.entity';
import { PaymentEntity, PaymentStatus } from '../../src/modules/payments/payment.entity';
import { ProductEntity } from '../../src/modules/products/product.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, aPrepaidBalance, localId, SignedUp } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const START = new Date('2027-01-10T09:00:00Z');

const PAY_ORDER = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id status } userErrors { code message } } }`;
const PRODUCTS = `query($id: ID!) { organization(id: $id) { products { edges { node { id name status expiresAt autoRenew nextRenewalAttemptAt } } } } }`;
const INVOICES = `query($id: ID!) { organization(id: $id) { invoices { edges { node { id number status total { amount } dueAt lines { description periodStart periodEnd } } } } } }`;

/** Runs every sweep as of `at` (the server's clock moves there too) and returns changed counts by job. */
async function sweep(at: Date): Promise<Record<string, number>> {
  server.clock.set(at);
  const runs: JobRun[] = await runJobs(server.app.systemContext(), at, server.app.jobs);
  for (const run of runs) if (run.error) throw run.error;
  return Object.fromEntries(runs.map((r) => [r.name, r.changed]));
}

/** Sweeps move the clock by months: act with an API token that never expires, not the 30-day login token. */
async function withLongLivedToken(org: SignedUp): Promise<SignedUp> {
  const created = ok(
    await server.gql(
      `mutation { createApiToken(input: { name: "renewal-test", scopes: ["read", "write"] }) { secret } }`,
      {},
      org.token,
    ),
  );
  return { ...org, token: created.createApiToken.secret };
}

const KIND: Record<string, string> = { test_paypal: 'PAYPAL', test_twint: 'TWINT' };

/** A customer with one yearly web hosting ordered and paid with `token` (auto-renewal on by R10 when a card). */
async function aCustomerWithHosting(
  gatewayToken: string,
): Promise<{ org: SignedUp; productId: string; expiresAt: Date; methodId: string }> {
  server.clock.set(START);
  const org = await withLongLivedToken(await anOrganization(server));
  const methodId = await aPaymentMethod(server, org, gatewayToken, KIND[gatewayToken] ?? 'CARD');
  const order = await aPlacedOrder(server, org, [
    { productType: 'WEB_HOSTING', name: `shop-${Math.random().toString(36).slice(2, 8)}` },
  ]);
  const paid = ok(
    await server.gql(
      PAY_ORDER,
      { input: { orderId: order.id, payment: { paymentMethodId: methodId, idempotencyKey: `pay-${order.id}` } } },
      org.token,
    ),
  );
  expect(paid.payOrder.userErrors).toEqual([]);
  const product = ok(await server.gql(PRODUCTS, { id: org.organizationId }, org.token)).organization.products.edges[0]
    .node;
  return { org, productId: product.id, expiresAt: new Date(product.expiresAt), methodId };
}

const productRow = (id: string) => server.dataSource.getRepository(ProductEntity).findOneByOrFail({ id: localId(id) });
const invoicesOf = async (org: SignedUp) =>
  ok(await server.gql(INVOICES, { id: org.organizationId }, org.token)).organization.invoices.edges.map(
    (e: any) => e.node,
  );
const mailsTo = (email: string, subject: RegExp) =>
  server.mails().filter((m) => m.to.includes(email) && subject.test(m.subject));

describe('auto-renewal charges (R10, R11) and the product sweeps (R14)', () => {
  it('a card-paid hosting renews 14 days before expiry; a second run at the same time changes nothing', async () => {
    const { org, productId, expiresAt } = await aCustomerWithHosting('test_visa');
    const before = await productRow(productId);
    expect(before.autoRenew).toBe(true);
    expect(expiresAt.getTime() - START.getTime()).toBeGreaterThanOrEqual(365 * DAY);

    const early = await sweep(new Date(expiresAt.getTime() - 15 * DAY));
    expect(early['renew-products']).toBe(0);

    const at = new Date(expiresAt.getTime() - 14 * DAY);
    expect((await sweep(at))['renew-products']).toBe(1);
    const renewed = await productRow(productId);
    expect(renewed.expiresAt.toISOString().slice(0, 10)).toBe(
      new Date(Date.UTC(expiresAt.getUTCFullYear() + 1, expiresAt.getUTCMonth(), expiresAt.getUTCDate()))
        .toISOString()
        .slice(0, 10),
    );
    expect(renewed.status).toBe('ACTIVE');
    const invoices = await invoicesOf(org);
    expect(invoices).toHaveLength(2);
    expect(invoices[1]).toMatchObject({
      status: 'PAID',
      lines: [expect.objectContaining({ periodStart: expiresAt.toISOString().slice(0, 10) })],
    });

    const again = await sweep(at);
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    expect(await invoicesOf(org)).toHaveLength(2);
    expect((await productRow(productId)).expiresAt.getTime()).toBe(renewed.expiresAt.getTime());
  });

  it('a failing renewal is retried, mailed, blocked when overdue and cancelled 30 days later', async () => {
    const { org, productId, expiresAt } = await aCustomerWithHosting('test_fails_later');
    const first = new Date(expiresAt.getTime() - 14 * DAY);
    expect((await sweep(first))['renew-products']).toBe(1);
    let product = await productRow(productId);
    expect(product).toMatchObject({ status: 'ACTIVE', renewalFailures: 1 });
    expect(product.nextRenewalAttemptAt?.toISOString()).toBe(new Date(first.getTime() + 3 * DAY).toISOString());
    expect(mailsTo(org.email, /Renewal of .* failed/)).toHaveLength(1);
    const [, renewal] = await invoicesOf(org);
    expect(renewal).toMatchObject({ status: 'OPEN', dueAt: expiresAt.toISOString() });

    expect((await sweep(first))['renew-products']).toBe(0);
    expect(mailsTo(org.email, /Renewal of .* failed/)).toHaveLength(1);

    expect((await sweep(new Date(first.getTime() + 3 * DAY)))['renew-products']).toBe(1);
    expect((await productRow(productId)).renewalFailures).toBe(2);
    expect(await invoicesOf(org)).toHaveLength(2);

    const blocked = await sweep(expiresAt);
    expect(blocked['block-overdue']).toBe(2);
    expect((await productRow(productId)).status).toBe('BLOCKED');
    expect((await invoicesOf(org))[1].status).toBe('OVERDUE');
    expect((await sweep(new Date(expiresAt.getTime() + 29 * DAY)))['cancel-unpaid-products']).toBe(0);

    const cancelled = await sweep(new Date(expiresAt.getTime() + 30 * DAY));
    expect(cancelled['cancel-unpaid-products']).toBe(2);
    product = await productRow(productId);
    expect(product).toMatchObject({ status: 'CANCELLED', autoRenew: false });
    expect((await invoicesOf(org))[1].status).toBe('VOID');
  });

  it('paying the overdue renewal invoice by hand releases and extends the product', async () => {
    const { org, productId, expiresAt } = await aCustomerWithHosting('test_fails_later');
    await sweep(new Date(expiresAt.getTime() - 14 * DAY));
    await sweep(expiresAt);
    expect((await productRow(productId)).status).toBe('BLOCKED');
    const visa = await aPaymentMethod(server, org, 'test_visa');
    const [, renewal] = await invoicesOf(org);
    const paid = ok(
      await server.gql(
        `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { status } userErrors { code message } } }`,
        { input: { invoiceIds: [renewal.id], payment: { paymentMethodId: visa, idempotencyKey: 'late-renewal' } } },
        org.token,
      ),
    );
    expect(paid.payInvoices).toMatchObject({ userErrors: [], invoices: [{ status: 'PAID' }] });
    const product = await productRow(productId);
    expect(product.status).toBe('ACTIVE');
    expect(product.expiresAt.getTime()).toBeGreaterThan(expiresAt.getTime() + 360 * DAY);
    expect((await sweep(new Date(expiresAt.getTime() + 31 * DAY)))['cancel-unpaid-products']).toBe(0);
  });

  it('a renewal invoice paid by bank transfer is not charged again, and the product waits for the transfer instead of expiring', async () => {
    const { org, productId, expiresAt } = await aCustomerWithHosting('test_fails_later');
    const first = new Date(expiresAt.getTime() - 14 * DAY);
    await sweep(first);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const [, renewal] = await invoicesOf(org);
    const byTransfer = ok(
      await server.gql(
        `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { status } userErrors { code } } }`,
        {
          input: {
            invoiceIds: [renewal.id],
            payment: { paymentMethodId: iban, idempotencyKey: 'renewal-by-transfer' },
          },
        },
        org.token,
      ),
    );
    expect(byTransfer.payInvoices.invoices).toEqual([{ status: 'PRO_FORMA' }]);
    const failureMails = mailsTo(org.email, /Renewal of .* failed/).length;

    expect((await sweep(new Date(first.getTime() + 3 * DAY)))['renew-products']).toBe(0);
    expect(mailsTo(org.email, /Renewal of .* failed/)).toHaveLength(failureMails);
    expect((await productRow(productId)).renewalFailures).toBe(1);
    expect((await sweep(expiresAt))['expire-products']).toBe(0);
    expect((await productRow(productId)).status).toBe('ACTIVE');

    const pending = await server.dataSource
      .getRepository(PaymentEntity)
      .findOneByOrFail({ organizationId: localId(org.organizationId), status: PaymentStatus.PENDING });
    await server.app.services.payments.reconcile(server.app.systemContext(), pending.id);
    const product = await productRow(productId);
    expect(product).toMatchObject({ status: 'ACTIVE', renewalFailures: 0 });
    expect(product.expiresAt.getTime()).toBeGreaterThan(expiresAt.getTime() + 360 * DAY);
  });

  it('without auto-renewal: notices at 30 and 7 days (once each), then the product expires', async () => {
    const { org, productId, expiresAt } = await aCustomerWithHosting('test_paypal');
    expect((await productRow(productId)).autoRenew).toBe(false);
    expect((await sweep(new Date(expiresAt.getTime() - 31 * DAY)))['expiry-notices']).toBe(0);
    expect((await sweep(new Date(expiresAt.getTime() - 30 * DAY)))['expiry-notices']).toBe(1);
    expect((await sweep(new Date(expiresAt.getTime() - 20 * DAY)))['expiry-notices']).toBe(0);
    expect((await sweep(new Date(expiresAt.getTime() - 7 * DAY)))['expiry-notices']).toBe(1);
    expect((await sweep(new Date(expiresAt.getTime() - 7 * DAY)))['expiry-notices']).toBe(0);
    expect(mailsTo(org.email, /expires in/)).toHaveLength(2);
    expect((await sweep(expiresAt))['expire-products']).toBe(1);
    expect((await productRow(productId)).status).toBe('EXPIRED');
    expect((await sweep(expiresAt))['expire-products']).toBe(0);
  });

  it("an organization's own notice days replace the default", async () => {
    const { org, expiresAt } = await aCustomerWithHosting('test_paypal');
    const updated = ok(
      await server.gql(
        `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { expiryNoticeDays } userErrors { code } } }`,
        { input: { organizationId: org.organizationId, expiryNoticeDays: [14] } },
        org.token,
      ),
    );
    expect(updated.updateOrganization.organization.expiryNoticeDays).toEqual([14]);
    expect((await sweep(new Date(expiresAt.getTime() - 30 * DAY)))['expiry-notices']).toBe(0);
    expect((await sweep(new Date(expiresAt.getTime() - 14 * DAY)))['expiry-notices']).toBe(1);
    const invalid = ok(
      await server.gql(
        `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code field } } }`,
        { input: { organizationId: org.organizationId, expiryNoticeDays: [0, 400] } },
        org.token,
      ),
    );
    expect(invalid.updateOrganization.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'expiryNoticeDays'],
    });
  });

  it('an unpaid order invoice becomes overdue without touching any product', async () => {
    server.clock.set(START);
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org);
    const invoice = await server.dataSource
      .getRepository(InvoiceEntity)
      .findOneByOrFail({ id: localId(order.invoice.id) });
    const counts = await sweep(new Date(invoice.dueAt.getTime() + 1000));
    expect(counts['block-overdue']).toBeGreaterThanOrEqual(1);
    expect((await server.dataSource.getRepository(InvoiceEntity).findOneByOrFail({ id: invoice.id })).status).toBe(
      'OVERDUE',
    );
    expect(ok(await server.gql(PRODUCTS, { id: org.organizationId }, org.token)).organization.products.edges).toEqual(
      [],
    );
  });

  it('the done-when flow: hosting and domain, prepaid part and card rest, PDF, auto-renewal charged at expiry − 14 days', async () => {
    server.clock.set(START);
    const org = await withLongLivedToken(await anOrganization(server));
    const card = await aPaymentMethod(server, org, 'test_visa');
    await aPrepaidBalance(server, org, '50.00', card);
    const order = await aPlacedOrder(server, org, [
      { productType: 'WEB_HOSTING', name: 'done-when-shop' },
      { productType: 'DOMAIN', name: `done-when-${Math.random().toString(36).slice(2, 8)}.ch` },
    ]);
    const paid = ok(
      await server.gql(
        PAY_ORDER,
        {
          input: {
            orderId: order.id,
            payment: { paymentMethodId: card, prepaidAmount: '50.00', idempotencyKey: 'done-when' },
          },
        },
        org.token,
      ),
    );
    expect(paid.payOrder).toMatchObject({ userErrors: [], order: { status: 'PAID' } });
    const pdf = await fetch(`${server.url}/invoices/${order.invoice.id}.pdf`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF');

    const products = ok(
      await server.gql(PRODUCTS, { id: org.organizationId }, org.token),
    ).organization.products.edges.map((e: any) => e.node);
    expect(products).toHaveLength(2);
    expect(products.every((p: any) => p.autoRenew)).toBe(true);
    const expiry = new Date(products[0].expiresAt);
    expect((await sweep(new Date(expiry.getTime() - 14 * DAY)))['renew-products']).toBe(2);
    const after = ok(await server.gql(PRODUCTS, { id: org.organizationId }, org.token)).organization.products.edges.map(
      (e: any) => e.node,
    );
    expect(after.every((p: any) => new Date(p.expiresAt).getTime() > expiry.getTime() + 360 * DAY)).toBe(true);
    expect((await invoicesOf(org)).map((i: any) => i.status)).toEqual(['PAID', 'PAID', 'PAID']);
  });
});
