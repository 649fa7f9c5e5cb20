import { randomBytes } from 'node:crypto';
import { runJobs } from '../../src/jobs/runner';
import {
  aBareProduct,
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPrepaidBalance,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';
import { PaymentCategory, PaymentEntity } from '../../src/modules/payments/payment.entity';
import { LedgerEntryEntity } from '../../src/modules/prepaid/ledger-entry.entity';

let server: TestServer;
const START = '2026-03-02T09:00:00.000Z';
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set(START);
});
afterAll(() => server.stop());
afterEach(() => jest.restoreAllMocks());

const unique = () => randomBytes(4).toString('hex');
const ORDER = `id status blockedReason autoCancelAt paidAt createdAt total { amount currency }
  lines { productType name billingPeriod price { amount currency } product { id status } }
  invoice { id number status subtotal { amount } vat { amount } total { amount } amountDue { amount } issuedAt dueAt }
  organization { id } identityVerification { id }`;
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { ${ORDER} } userErrors { code field message } } }`;
const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { ${ORDER} } userErrors { code field message } } }`;
const RESEND = `mutation($input: ResendUnblockProcedureInput!) { resendUnblockProcedure(input: $input) { order { id status } userErrors { code field } } }`;
const ORDERS = `query($id: ID!, $status: OrderStatus) { organization(id: $id) { orders(status: $status) { totalCount edges { node { id status } } } invoices { totalCount } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on Order { status } } }`;

const place = (org: SignedUp, lines: unknown[], token = org.token) =>
  server.gql(PLACE, { input: { organizationId: org.organizationId, lines } }, token);
const hosting = (name = `site ${unique()}`) => ({ productType: 'WEB_HOSTING', name, billingPeriod: 'YEARLY' });
const domain = (name = `shop-${unique()}.ch`, billingPeriod = 'YEARLY') => ({
  productType: 'DOMAIN',
  name,
  billingPeriod,
});
const counts = async (org: SignedUp) => {
  const { organization } = ok(await server.gql(ORDERS, { id: org.organizationId }, org.token));
  return { orders: organization.orders.totalCount, invoices: organization.invoices.totalCount };
};

describe('placeOrder: catalog prices, VAT per line and the invoice issued at once (R8, R20)', () => {
  it('a hosting and a domain in CHF for a Swiss customer', async () => {
    const org = await anOrganization(server);
    const name = `shop-${unique()}.ch`;
    const { placeOrder } = ok(await place(org, [hosting('My shop'), domain(name.toUpperCase())]));
    expect(placeOrder.userErrors).toEqual([]);
    const order = placeOrder.order;
    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      blockedReason: null,
      autoCancelAt: null,
      paidAt: null,
      createdAt: START,
      total: { amount: '121.07', currency: 'CHF' },
      organization: { id: org.organizationId },
      identityVerification: null,
    });
    expect(order.lines).toEqual([
      {
        productType: 'WEB_HOSTING',
        name: 'My shop',
        billingPeriod: 'YEARLY',
        price: { amount: '99.00', currency: 'CHF' },
        product: null,
      },
      {
        productType: 'DOMAIN',
        name,
        billingPeriod: 'YEARLY',
        price: { amount: '13.00', currency: 'CHF' },
        product: null,
      },
    ]);
    // 99.00 × 8.1 % = 8.019 → 8.02 and 13.00 × 8.1 % = 1.053 → 1.05, per line.
    expect(order.invoice).toMatchObject({
      status: 'OPEN',
      subtotal: { amount: '112.00' },
      vat: { amount: '9.07' },
      total: { amount: '121.07' },
      amountDue: { amount: '121.07' },
      issuedAt: START,
      dueAt: '2026-03-16T09:00:00.000Z',
    });
    expect(order.invoice.number).toMatch(/^2026-\d{6}$/);
    expect(await counts(org)).toEqual({ orders: 1, invoices: 1 });
    expect(ok(await server.gql(NODE, { id: order.id }, org.token)).node).toEqual({
      id: order.id,
      status: 'PENDING_PAYMENT',
    });
  });

  it('monthly prices in EUR, reverse charge (0 % VAT) outside Switzerland', async () => {
    const org = await anOrganization(server, { currency: 'EUR', country: 'DE' });
    const { placeOrder } = ok(await place(org, [{ productType: 'KSUITE', name: 'Team', billingPeriod: 'MONTHLY' }]));
    expect(placeOrder.order.total).toEqual({ amount: '5.50', currency: 'EUR' });
    expect(placeOrder.order.invoice).toMatchObject({ subtotal: { amount: '5.50' }, vat: { amount: '0.00' } });
  });

  it('lists orders by status; another organization sees none of them', async () => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const a = await aPlacedOrder(server, org);
    const blocked = await aPlacedOrder(server, org, [domain(`paypal-${unique()}.ch`)]);
    const all = ok(await server.gql(ORDERS, { id: org.organizationId }, org.token)).organization.orders;
    expect(all.edges.map((e: any) => e.node.id)).toEqual([a.id, blocked.id]);
    const onlyBlocked = ok(await server.gql(ORDERS, { id: org.organizationId, status: 'BLOCKED' }, org.token))
      .organization.orders;
    expect(onlyBlocked.edges.map((e: any) => e.node.id)).toEqual([blocked.id]);
    expect(ok(await server.gql(ORDERS, { id: org.organizationId }, other.token)).organization).toBeNull();
    expect(ok(await server.gql(NODE, { id: a.id }, other.token)).node).toBeNull();
  });
});

describe('placeOrder refuses bad input and writes nothing', () => {
  it.each([
    ['no line', [], 'INVALID_INPUT', ['input', 'lines']],
    ['51 lines', Array.from({ length: 51 }, (_, i) => hosting(`site ${i}`)), 'INVALID_INPUT', ['input', 'lines']],
    ['an empty name', [hosting('  ')], 'INVALID_INPUT', ['input', 'lines', '0', 'name']],
    ['a 256-character name', [hosting('x'.repeat(256))], 'INVALID_INPUT', ['input', 'lines', '0', 'name']],
    [
      'a domain that is no domain',
      [hosting(), domain('not a domain')],
      'INVALID_DOMAIN_NAME',
      ['input', 'lines', '1', 'name'],
    ],
    [
      'the same domain twice',
      [domain('twice.ch'), domain('TWICE.ch')],
      'DUPLICATE_DOMAIN',
      ['input', 'lines', '1', 'name'],
    ],
  ])('refuses %s', async (_label, lines, code, field) => {
    const org = await anOrganization(server);
    const { placeOrder } = ok(await place(org, lines));
    expect(placeOrder).toMatchObject({ order: null, userErrors: [{ code, field }] });
    expect(await counts(org)).toEqual({ orders: 0, invoices: 0 });
  });

  it('a domain another product holds (ACTIVE) is DOMAIN_TAKEN', async () => {
    const holder = await anOrganization(server);
    const name = `taken-${unique()}.ch`;
    await aBareProduct(server, holder.organizationId, { type: 'DOMAIN', name });
    const org = await anOrganization(server);
    const { placeOrder } = ok(await place(org, [hosting(), domain(name.toUpperCase())]));
    expect(placeOrder.userErrors).toEqual([
      expect.objectContaining({ code: 'DOMAIN_TAKEN', field: ['input', 'lines', '1', 'name'] }),
    ]);
    expect(await counts(org)).toEqual({ orders: 0, invoices: 0 });
  });

  it('an id that is not an organization id is INVALID_ID; an unknown enum value is a GraphQL error', async () => {
    const org = await anOrganization(server);
    const bad = ok(
      await server.gql(PLACE, { input: { organizationId: 'nope', lines: [hosting()] } }, org.token),
    ).placeOrder;
    expect(bad.userErrors[0]).toMatchObject({ code: 'INVALID_ID', field: ['input', 'organizationId'] });
    expect(errorCode(await place(org, [{ productType: 'SPACESHIP', name: 'x', billingPeriod: 'YEARLY' }]))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await counts(org)).toEqual({ orders: 0, invoices: 0 });
  });
});

describe('who may order (permission pay) and see orders (viewBilling)', () => {
  it('a limited USER without billing rights: FORBIDDEN to order and to list orders', async () => {
    const org = await anOrganization(server);
    await aPlacedOrder(server, org);
    const user = await aMember(server, org, { role: 'USER' });
    expect(errorCode(await place(org, [hosting()], user.token))).toBe('FORBIDDEN');
    const listed = await server.gql(ORDERS, { id: org.organizationId }, user.token);
    expect(errorCode(listed)).toBe('FORBIDDEN');
    expect(listed.data?.organization ?? null).toBeNull();
    expect(await counts(org)).toEqual({ orders: 1, invoices: 1 });
  });

  it('another tenant: FORBIDDEN; a read-only API token: FORBIDDEN', async () => {
    const org = await anOrganization(server);
    const stranger = await anOrganization(server);
    expect(errorCode(await place(org, [hosting()], stranger.token))).toBe('FORBIDDEN');
    const { createApiToken } = ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "ro", scopes: ["read"] }) { secret } }`,
        {},
        org.token,
      ),
    );
    expect(errorCode(await place(org, [hosting()], createApiToken.secret))).toBe('FORBIDDEN');
    expect(await counts(org)).toEqual({ orders: 0, invoices: 0 });
  });

  it('an administrator with billing access may order', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR', billingAccess: true });
    expect(ok(await place(org, [hosting()], admin.token)).placeOrder.order.status).toBe('PENDING_PAYMENT');
  });
});

describe('fraud screening and blocked orders (R21)', () => {
  it('a protected brand blocks the order; the unblocking link goes to the login address of the user who placed it', async () => {
    const org = await anOrganization(server);
    const placer = await aMember(server, org, { role: 'ADMINISTRATOR', billingAccess: true });
    const before = server.mails().length;
    const { placeOrder } = ok(await place(org, [hosting(), domain(`postfinance-login-${unique()}.ch`)], placer.token));
    const order = placeOrder.order;
    expect(order.status).toBe('BLOCKED');
    expect(order.blockedReason).toMatch(/protected brand name "postfinance"/);
    expect(order.autoCancelAt).toBe('2026-03-12T09:00:00.000Z');
    expect(order.invoice.status).toBe('OPEN');

    const mails = server.mails().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toContain(placer.email);
    expect(mails[0].to).not.toContain(org.email);
    expect(order.identityVerification.id).toEqual(expect.any(String));
    expect(mails[0].text).toContain(`/verify/${order.identityVerification.id}?token=`);
    expect(mails[0].text).toContain('2026-03-12');

    const resent = ok(await server.gql(RESEND, { input: { orderId: order.id } }, org.token)).resendUnblockProcedure;
    expect(resent).toEqual({ order: { id: order.id, status: 'BLOCKED' }, userErrors: [] });
    const again = server.mails().slice(before);
    expect(again).toHaveLength(2);
    expect(again[1].to).toContain(placer.email);
    expect(again[1].text).toBe(mails[0].text);
  });

  it('resendUnblockProcedure: only for a blocked order, only by someone who may pay there', async () => {
    const org = await anOrganization(server);
    const stranger = await anOrganization(server);
    const normal = await aPlacedOrder(server, org);
    const blocked = await aPlacedOrder(server, org, [domain(`g00gle-${unique()}.com`)]);
    const before = server.mails().length;
    expect(
      ok(await server.gql(RESEND, { input: { orderId: normal.id } }, org.token)).resendUnblockProcedure.userErrors[0]
        .code,
    ).toBe('ORDER_NOT_BLOCKED');
    // Another tenant's order answers like a missing one (uniform not-found, issue 9).
    expect(
      ok(await server.gql(RESEND, { input: { orderId: blocked.id } }, stranger.token)).resendUnblockProcedure
        .userErrors[0].code,
    ).toBe('ORDER_NOT_FOUND');
    expect(
      ok(await server.gql(RESEND, { input: { orderId: org.organizationId } }, org.token)).resendUnblockProcedure
        .userErrors[0].code,
    ).toBe('INVALID_ID');
    expect(server.mails().length).toBe(before);
  });

  it('a blocked order may be paid: the money is held, products come only when it is unblocked', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const blocked = await aPlacedOrder(server, org, [hosting(), domain(`my-ubs-${unique()}.ch`)]);
    expect(blocked.status).toBe('BLOCKED');
    const { payOrder } = ok(
      await server.gql(
        PAY,
        { input: { orderId: blocked.id, payment: { paymentMethodId: visa, idempotencyKey: unique() } } },
        org.token,
      ),
    );
    expect(payOrder.userErrors).toEqual([]);
    expect(payOrder.order).toMatchObject({
      status: 'BLOCKED',
      paidAt: START,
      invoice: { status: 'PAID', amountDue: { amount: '0.00' } },
    });
    expect(payOrder.order.lines.map((l: any) => l.product)).toEqual([null, null]);

    const unblocked = await server.app.services.orders.unblock(server.app.systemContext(), localId(blocked.id));
    expect(unblocked.status).toBe('PAID');
    const after = ok(
      await server.gql(
        NODE.replace('status', `status autoCancelAt lines { product { status autoRenew } }`),
        { id: blocked.id },
        org.token,
      ),
    ).node;
    expect(after).toMatchObject({ status: 'PAID', autoCancelAt: null });
    expect(after.lines.map((l: any) => l.product)).toEqual([
      { status: 'ACTIVE', autoRenew: true },
      { status: 'ACTIVE', autoRenew: true },
    ]);
  });

  it('unblocking an unpaid blocked order makes it payable like any other', async () => {
    const org = await anOrganization(server);
    const blocked = await aPlacedOrder(server, org, [domain(`apple-id-${unique()}.com`)]);
    const ctx = server.app.systemContext();
    expect((await server.app.services.orders.unblock(ctx, localId(blocked.id))).status).toBe('PENDING_PAYMENT');
    await expect(server.app.services.orders.unblock(ctx, localId(blocked.id))).rejects.toMatchObject({
      code: 'ORDER_NOT_BLOCKED',
    });
  });
});

describe('cancel-blocked-orders job (R22)', () => {
  const paymentsOf = (org: SignedUp) =>
    server.dataSource.getRepository(PaymentEntity).findBy({ organizationId: localId(org.organizationId) });
  const ledgerOf = (org: SignedUp) =>
    server.dataSource
      .getRepository(LedgerEntryEntity)
      .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } });
  const balanceOf = async (org: SignedUp) =>
    ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } } } }`,
        { id: org.organizationId },
        org.token,
      ),
    ).organization.prepaidAccount.balance.amount;

  it('cancels a blocked order at autoCancelAt and refunds in full: prepaid back to the ledger, card refunded; a second run changes nothing', async () => {
    // Earlier tests left blocked orders behind: sweep them first so that the counts below are this order's.
    await runJobs(server.app.systemContext(), new Date('2026-03-20T00:00:00.000Z'), server.app.jobs);
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '50.00', visa);
    const blocked = await aPlacedOrder(server, org, [hosting(), domain(`swisscom-${unique()}.ch`)]);
    const pay = ok(
      await server.gql(
        PAY,
        {
          input: {
            orderId: blocked.id,
            payment: { paymentMethodId: visa, prepaidAmount: '20.00', idempotencyKey: unique() },
          },
        },
        org.token,
      ),
    );
    expect(pay.payOrder.order).toMatchObject({ status: 'BLOCKED', invoice: { status: 'PAID' } });
    expect(await balanceOf(org)).toBe('30.00');
    const refunds = jest.spyOn(server.app.services.gateway, 'refund');

    const autoCancelAt = new Date(pay.payOrder.order.autoCancelAt);
    const ctx = server.app.systemContext();
    const early = await runJobs(ctx, new Date(autoCancelAt.getTime() - 1000), server.app.jobs);
    expect(early.find((r) => r.name === 'cancel-blocked-orders')).toMatchObject({ changed: 0 });
    expect(ok(await server.gql(NODE, { id: blocked.id }, org.token)).node.status).toBe('BLOCKED');

    const before = server.mails().length;
    const due = await runJobs(ctx, autoCancelAt, server.app.jobs);
    expect(due.find((r) => r.name === 'cancel-blocked-orders')).toMatchObject({ changed: 1 });
    const cancelled = ok(
      await server.gql(
        NODE.replace('status', 'status invoice { status amountDue { amount } }'),
        { id: blocked.id },
        org.token,
      ),
    ).node;
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      invoice: { status: 'REFUNDED', amountDue: { amount: '0.00' } },
    });
    expect(await balanceOf(org)).toBe('50.00');
    const charge = (await paymentsOf(org)).find((p) => p.category === PaymentCategory.CHARGE)!;
    expect(charge).toMatchObject({ status: 'REFUNDED', refundedAmount: charge.amount, prepaidAmount: 2000 });
    expect(refunds).toHaveBeenCalledTimes(1);
    expect(refunds.mock.calls[0][0]).toMatchObject({ amount: charge.amount - 2000 });
    expect(
      server
        .mails()
        .slice(before)
        .map((m) => m.subject),
    ).toEqual([expect.stringMatching(/cancelled/)]);

    const ledger = await ledgerOf(org);
    const again = await runJobs(ctx, autoCancelAt, server.app.jobs);
    expect(again.find((r) => r.name === 'cancel-blocked-orders')).toMatchObject({ changed: 0 });
    expect(await ledgerOf(org)).toEqual(ledger);
    expect(refunds).toHaveBeenCalledTimes(1);
    expect(
      ok(
        await server.gql(
          PAY,
          { input: { orderId: blocked.id, payment: { paymentMethodId: visa, idempotencyKey: unique() } } },
          org.token,
        ),
      ).payOrder.userErrors[0].code,
    ).toBe('INVOICE_NOT_PAYABLE');
  });

  it('an unpaid blocked order is cancelled with its invoice voided; unblocked orders are left alone', async () => {
    const org = await anOrganization(server);
    const blocked = await aPlacedOrder(server, org, [domain(`paypal-${unique()}.ch`)]);
    const released = await aPlacedOrder(server, org, [domain(`microsoft-${unique()}.ch`)]);
    await server.app.services.orders.unblock(server.app.systemContext(), localId(released.id));
    const runs = await runJobs(server.app.systemContext(), new Date('2026-03-12T09:00:00.000Z'), server.app.jobs);
    expect(runs.find((r) => r.name === 'cancel-blocked-orders')?.changed).toBeGreaterThanOrEqual(1);
    const query = NODE.replace('status', 'status invoice { status }');
    expect(ok(await server.gql(query, { id: blocked.id }, org.token)).node).toMatchObject({
      status: 'CANCELLED',
      invoice: { status: 'VOID' },
    });
    expect(ok(await server.gql(query, { id: released.id }, org.token)).node).toMatchObject({
      status: 'PENDING_PAYMENT',
      invoice: { status: 'OPEN' },
    });
  });
});
