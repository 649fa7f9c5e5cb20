import { randomBytes } from 'node:crypto';
import { InvoicePaymentEntity } from '../../src/modules/billing/invoice-payment.entity';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import { ProductEntity } from '../../src/modules/products/product.entity';
import {
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  aPrepaidBalance,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
const NOW = '2026-06-15T10:00:00.000Z';
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set(NOW);
});
afterAll(() => server.stop());
afterEach(() => jest.restoreAllMocks());

const key = () => `pay-${randomBytes(6).toString('hex')}`;
const ORDER = `id status paidAt total { amount }
  lines { name product { id type name status expiresAt autoRenew nextRenewalAttemptAt price { amount currency } billingPeriod } }
  invoice { id number status paidAt amountDue { amount } lines { product { id } } }`;
const PAY_ORDER = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { ${ORDER} } userErrors { code field message } } }`;
const PAY_INVOICES = `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { id number status paidAt amountDue { amount } } userErrors { code field message } } }`;
const ORDER_NODE = `query($id: ID!) { node(id: $id) { ... on Order { ${ORDER} } } }`;
const ACCOUNT = `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } entries { edges { node { kind amount { amount } reference } } } } } }`;
const RECONCILE = `mutation($input: ReconcileBankTransferInput!) { reconcileBankTransfer(input: $input) { changed userErrors { code } } }`;

const payOrder = (org: SignedUp, orderId: string, payment: Record<string, unknown>, token = org.token) =>
  server.gql(PAY_ORDER, { input: { orderId, payment: { idempotencyKey: key(), ...payment } } }, token);
const payInvoices = (org: SignedUp, invoiceIds: string[], payment: Record<string, unknown>, token = org.token) =>
  server.gql(PAY_INVOICES, { input: { invoiceIds, payment: { idempotencyKey: key(), ...payment } } }, token);
const orderOf = async (org: SignedUp, id: string) => ok(await server.gql(ORDER_NODE, { id }, org.token)).node;
const accountOf = async (org: SignedUp) =>
  ok(await server.gql(ACCOUNT, { id: org.organizationId }, org.token)).organization.prepaidAccount;
const productsOf = (org: SignedUp) =>
  server.dataSource.getRepository(ProductEntity).findBy({ organizationId: localId(org.organizationId) });
const chargesOf = (org: SignedUp) =>
  server.dataSource
    .getRepository(PaymentEntity)
    .findBy({ organizationId: localId(org.organizationId), category: 'CHARGE' as never });
/** Text drawn in a pdfkit PDF: TJ arrays of hex strings, one WinAnsi byte per glyph. */
const shownText = (pdf: Buffer) =>
  (pdf.toString('latin1').match(/\[[^\]]*\] TJ/g) ?? [])
    .map((run) =>
      (run.match(/<([0-9a-f]*)>/g) ?? [])
        .map((hex) => Buffer.from(hex.slice(1, -1), 'hex').toString('latin1'))
        .join(''),
    )
    .join('\n');
const hostingAndDomain = () => [
  { productType: 'WEB_HOSTING', name: 'Shop' },
  { productType: 'DOMAIN', name: `shop-${randomBytes(4).toString('hex')}.ch` },
];

describe('Done when: order a hosting and a domain, pay part prepaid and the rest by card (R8, R10, R15, R17)', () => {
  it('delivers ACTIVE products for one period with auto-renewal on the card', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org, 'test_visa');
    await aPrepaidBalance(server, org, '50.00', visa);
    const order = await aPlacedOrder(server, org, hostingAndDomain());
    expect(order.total.amount).toBe('121.07');
    const charges = jest.spyOn(server.app.services.gateway, 'charge');

    const { payOrder: paid } = ok(await payOrder(org, order.id, { paymentMethodId: visa, prepaidAmount: '50.00' }));
    expect(paid.userErrors).toEqual([]);
    expect(paid.order).toMatchObject({
      status: 'PAID',
      paidAt: NOW,
      invoice: { status: 'PAID', paidAt: NOW, amountDue: { amount: '0.00' } },
    });
    expect(charges).toHaveBeenCalledTimes(1);
    expect(charges.mock.calls[0][0]).toMatchObject({ amount: 7107, currency: 'CHF' });

    const products = paid.order.lines.map((l: any) => l.product);
    expect(products).toEqual([
      expect.objectContaining({
        type: 'WEB_HOSTING',
        name: 'Shop',
        status: 'ACTIVE',
        billingPeriod: 'YEARLY',
        price: { amount: '99.00', currency: 'CHF' },
      }),
      expect.objectContaining({ type: 'DOMAIN', status: 'ACTIVE', price: { amount: '13.00', currency: 'CHF' } }),
    ]);
    for (const product of products) {
      expect(product).toMatchObject({
        expiresAt: '2027-06-15T10:00:00.000Z',
        autoRenew: true,
        nextRenewalAttemptAt: '2027-06-01T10:00:00.000Z',
      });
    }
    expect(paid.order.invoice.lines.map((l: any) => l.product?.id)).toEqual(products.map((p: any) => p.id));
    expect((await productsOf(org)).map((p) => p.autoRenewPaymentMethodId)).toEqual([localId(visa), localId(visa)]);

    const account = await accountOf(org);
    expect(account.balance.amount).toBe('0.00');
    expect(account.entries.edges.map((e: any) => e.node)).toContainEqual({
      kind: 'PAYMENT',
      amount: { amount: '-50.00' },
      reference: `Invoice ${order.invoice.number}`,
    });
  });

  it('a method without auto-renewal (PostFinance, R9) and prepaid alone leave auto-renewal off', async () => {
    const org = await anOrganization(server);
    const postfinance = await aPaymentMethod(server, org, 'test_postfinance', 'POSTFINANCE_CARD');
    const byPostFinance = await aPlacedOrder(server, org);
    expect(
      ok(await payOrder(org, byPostFinance.id, { paymentMethodId: postfinance })).payOrder.order.lines[0].product,
    ).toMatchObject({ status: 'ACTIVE', autoRenew: false });
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '200.00', visa);
    const byPrepaid = await aPlacedOrder(server, org);
    const paid = ok(await payOrder(org, byPrepaid.id, { prepaidAmount: byPrepaid.total.amount })).payOrder;
    expect(paid.order.lines[0].product).toMatchObject({
      status: 'ACTIVE',
      autoRenew: false,
      nextRenewalAttemptAt: null,
    });
  });

  it('PostFinance in EUR is refused (R15)', async () => {
    const org = await anOrganization(server, { currency: 'EUR', country: 'FR' });
    const added = ok(
      await server.gql(
        `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id } userErrors { code } } }`,
        { input: { organizationId: org.organizationId, kind: 'POSTFINANCE_CARD', gatewayToken: 'test_postfinance' } },
        org.token,
      ),
    ).addPaymentMethod;
    expect(added).toEqual({ paymentMethod: null, userErrors: [{ code: 'CURRENCY_NOT_SUPPORTED' }] });
  });
});

describe('payInvoices: several invoices in one operation (R17)', () => {
  it('spreads the prepaid amount over the invoices in the order given, the card pays the rest', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '120.00', visa);
    const a = await aPlacedOrder(server, org);
    const b = await aPlacedOrder(server, org, [{ productType: 'KDRIVE', name: 'Drive' }]);
    const { payInvoices: paid } = ok(
      await payInvoices(org, [b.invoice.id, a.invoice.id], { paymentMethodId: visa, prepaidAmount: '100.00' }),
    );
    expect(paid.userErrors).toEqual([]);
    expect(paid.invoices.map((i: any) => [i.id, i.status, i.amountDue.amount])).toEqual([
      [b.invoice.id, 'PAID', '0.00'],
      [a.invoice.id, 'PAID', '0.00'],
    ]);
    // b (kDrive 49.90 + VAT 4.04 = 53.94) takes prepaid first, a (107.02) gets the remaining 46.06 and 60.96 by card.
    const shares = await server.dataSource
      .getRepository(InvoicePaymentEntity)
      .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } });
    expect(shares.map((s) => [s.invoiceId, s.prepaidAmount, s.methodAmount])).toEqual([
      [localId(b.invoice.id), 5394, 0],
      [localId(a.invoice.id), 4606, 6096],
    ]);
    expect((await accountOf(org)).balance.amount).toBe('20.00');
    expect((await orderOf(org, a.id)).status).toBe('PAID');
    expect((await orderOf(org, b.id)).status).toBe('PAID');
  });

  it('another organization’s invoice, order or method anywhere: NOT_FOUND like a missing one, and nothing paid', async () => {
    const org = await anOrganization(server);
    const stranger = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const strangerVisa = await aPaymentMethod(server, stranger);
    const own = await aPlacedOrder(server, org);
    const foreign = await aPlacedOrder(server, stranger);
    const codeOf = (r: any, name: string) => ok(r)[name].userErrors[0]?.code;
    expect(
      codeOf(await payInvoices(org, [own.invoice.id, foreign.invoice.id], { paymentMethodId: visa }), 'payInvoices'),
    ).toBe('INVOICE_NOT_FOUND');
    expect(codeOf(await payOrder(org, foreign.id, { paymentMethodId: visa }), 'payOrder')).toBe('ORDER_NOT_FOUND');
    expect(codeOf(await payOrder(org, own.id, { paymentMethodId: strangerVisa }), 'payOrder')).toBe(
      'PAYMENT_METHOD_NOT_FOUND',
    );
    expect((await orderOf(org, own.id)).invoice.status).toBe('OPEN');
    expect((await orderOf(stranger, foreign.id)).invoice.status).toBe('OPEN');
    expect(await chargesOf(org)).toEqual([]);
    expect(await chargesOf(stranger)).toEqual([]);
  });

  it('a limited USER may not pay (FORBIDDEN); a USER with billing access may', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    const user = await aMember(server, org, { role: 'USER' });
    expect(errorCode(await payOrder(org, order.id, { paymentMethodId: visa }, user.token))).toBe('FORBIDDEN');
    expect((await orderOf(org, order.id)).status).toBe('PENDING_PAYMENT');
    const payer = await aMember(server, org, { role: 'USER', billingAccess: true });
    expect(ok(await payOrder(org, order.id, { paymentMethodId: visa }, payer.token)).payOrder.order.status).toBe(
      'PAID',
    );
  });
});

describe('failures change nothing', () => {
  it('a declined card: PAYMENT_DECLINED, nothing paid, no products, the prepaid part stays', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '10.00', visa);
    const declined = await aPaymentMethod(server, org, 'test_declined');
    const order = await aPlacedOrder(server, org, hostingAndDomain());
    const result = ok(await payOrder(org, order.id, { paymentMethodId: declined, prepaidAmount: '10.00' })).payOrder;
    expect(result).toMatchObject({ order: null, userErrors: [{ code: 'PAYMENT_DECLINED' }] });
    expect(await orderOf(org, order.id)).toMatchObject({
      status: 'PENDING_PAYMENT',
      paidAt: null,
      invoice: { status: 'OPEN', amountDue: { amount: '121.07' } },
    });
    expect(await productsOf(org)).toEqual([]);
    expect((await accountOf(org)).balance.amount).toBe('10.00');
    expect((await chargesOf(org)).map((p) => p.status)).toEqual(['FAILED']);
    expect(
      await server.dataSource
        .getRepository(InvoicePaymentEntity)
        .countBy({ organizationId: localId(org.organizationId) }),
    ).toBe(0);
  });

  it.each([
    ['a negative prepaid amount', { prepaidAmount: '-1.00' }, 'INVALID_AMOUNT', ['input', 'payment', 'prepaidAmount']],
    ['three decimals', { prepaidAmount: '1.005' }, 'INVALID_AMOUNT', ['input', 'payment', 'prepaidAmount']],
    ['more prepaid than due', { prepaidAmount: '500.00' }, 'INVALID_AMOUNT', ['input', 'payment', 'prepaidAmount']],
    [
      'more prepaid than the balance',
      { prepaidAmount: '20.00', paymentMethodId: 'VISA' },
      'INSUFFICIENT_PREPAID_BALANCE',
      ['input', 'payment', 'prepaidAmount'],
    ],
    [
      'no method for the rest',
      { prepaidAmount: '5.00' },
      'PAYMENT_METHOD_REQUIRED',
      ['input', 'payment', 'paymentMethodId'],
    ],
    ['an empty idempotency key', { idempotencyKey: '' }, 'INVALID_INPUT', ['input', 'payment', 'idempotencyKey']],
    [
      'a payment method id that is not one',
      { paymentMethodId: 'bogus' },
      'INVALID_ID',
      ['input', 'payment', 'paymentMethodId'],
    ],
  ])('%s', async (_label, payment: Record<string, string>, code, field) => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '10.00', visa);
    const order = await aPlacedOrder(server, org);
    const result = ok(
      await payOrder(org, order.id, {
        ...payment,
        ...(payment.paymentMethodId === 'VISA' ? { paymentMethodId: visa } : {}),
      }),
    ).payOrder;
    expect(result).toMatchObject({ order: null, userErrors: [{ code, field }] });
    expect((await orderOf(org, order.id)).invoice.status).toBe('OPEN');
    expect((await accountOf(org)).balance.amount).toBe('10.00');
    expect(await chargesOf(org)).toEqual([]);
  });

  it('payInvoices input: empty list, bad ids, unknown invoice', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    const first = (r: any) => ok(r).payInvoices;
    expect(first(await payInvoices(org, [], { paymentMethodId: visa }))).toMatchObject({
      invoices: [],
      userErrors: [{ code: 'INVALID_INPUT' }],
    });
    expect(first(await payInvoices(org, [order.id], { paymentMethodId: visa }))).toMatchObject({
      invoices: [],
      userErrors: [{ code: 'INVALID_ID', field: ['input', 'invoiceIds', '0'] }],
    });
    const unknown = Buffer.from('Invoice:999999').toString('base64url');
    expect(first(await payInvoices(org, [order.invoice.id, unknown], { paymentMethodId: visa }))).toMatchObject({
      userErrors: [{ code: 'INVOICE_NOT_FOUND', field: ['input', 'invoiceIds', '1'] }],
    });
    expect((await orderOf(org, order.id)).invoice.status).toBe('OPEN');
  });
});

describe('idempotency: one key never charges twice (R19)', () => {
  it('a sequential double submit returns the same result and charges once; another key finds it paid; the key cannot pay something else', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '30.00', visa);
    const order = await aPlacedOrder(server, org);
    const charges = jest.spyOn(server.app.services.gateway, 'charge');
    const payment = { paymentMethodId: visa, prepaidAmount: '10.00', idempotencyKey: key() };
    const first = ok(await payOrder(org, order.id, payment)).payOrder;
    const second = ok(await payOrder(org, order.id, payment)).payOrder;
    expect(second).toEqual(first);
    expect(first.order.status).toBe('PAID');
    expect(charges).toHaveBeenCalledTimes(1);
    expect((await accountOf(org)).balance.amount).toBe('20.00');
    expect(await chargesOf(org)).toHaveLength(1);

    expect(ok(await payOrder(org, order.id, { paymentMethodId: visa })).payOrder.userErrors[0].code).toBe(
      'ALREADY_PAID',
    );
    expect(
      ok(await payOrder(org, order.id, { ...payment, prepaidAmount: '5.00' })).payOrder.userErrors[0],
    ).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      field: ['input', 'payment', 'idempotencyKey'],
    });
    const other = await aPlacedOrder(server, org);
    expect(ok(await payOrder(org, other.id, payment)).payOrder.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await orderOf(org, other.id)).status).toBe('PENDING_PAYMENT');
    expect(charges).toHaveBeenCalledTimes(1);
    expect((await accountOf(org)).balance.amount).toBe('20.00');
  });

  it('a concurrent double submit charges once and both answers show the order paid', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    await aPrepaidBalance(server, org, '30.00', visa);
    const order = await aPlacedOrder(server, org);
    const charges = jest.spyOn(server.app.services.gateway, 'charge');
    const payment = { paymentMethodId: visa, prepaidAmount: '10.00', idempotencyKey: key() };
    const results = await Promise.all([
      payOrder(org, order.id, payment),
      payOrder(org, order.id, payment),
      payOrder(org, order.id, payment),
    ]);
    for (const result of results)
      expect(ok(result).payOrder).toMatchObject({ userErrors: [], order: { status: 'PAID' } });
    expect(charges).toHaveBeenCalledTimes(1);
    expect((await accountOf(org)).balance.amount).toBe('20.00');
    expect(await chargesOf(org)).toHaveLength(1);
    expect(await productsOf(org)).toHaveLength(1);
  });
  it('two different keys racing for one invoice: one pays, the other is told ALREADY_PAID, one charge', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    const charges = jest.spyOn(server.app.services.gateway, 'charge');
    const results = await Promise.all([
      payOrder(org, order.id, { paymentMethodId: visa }),
      payOrder(org, order.id, { paymentMethodId: visa }),
    ]);
    const codes = results.map((r) => ok(r).payOrder.userErrors[0]?.code ?? 'PAID').sort();
    expect(codes).toEqual(['ALREADY_PAID', 'PAID']);
    expect(charges).toHaveBeenCalledTimes(1);
    expect(await productsOf(org)).toHaveLength(1);
  });
});

describe('bank transfer: pro-forma until reconciled (R15)', () => {
  it('the invoice is PRO_FORMA and the order waits; reconciling pays it and delivers the products', async () => {
    const org = await anOrganization(server);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const order = await aPlacedOrder(server, org);
    const pending = ok(await payOrder(org, order.id, { paymentMethodId: iban })).payOrder;
    expect(pending).toMatchObject({
      userErrors: [],
      order: {
        status: 'PENDING_PAYMENT',
        paidAt: null,
        invoice: { status: 'PRO_FORMA', amountDue: { amount: '107.02' } },
      },
    });
    expect(await productsOf(org)).toEqual([]);
    expect(ok(await payOrder(org, order.id, { paymentMethodId: iban })).payOrder.userErrors[0].code).toBe(
      'PAYMENT_PENDING',
    );
    const pdf = await fetch(`${server.url}/invoices/${order.invoice.id}.pdf`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    expect(shownText(Buffer.from(await pdf.arrayBuffer()))).toContain('PRO FORMA INVOICE');

    const [payment] = await chargesOf(org);
    const admin = await aPlatformAdmin(server);
    server.clock.set('2026-06-20T10:00:00.000Z');
    try {
      const reconciled = ok(
        await server.gql(
          RECONCILE,
          { input: { paymentId: Buffer.from(`Payment:${payment.id}`).toString('base64url') } },
          admin.token,
        ),
      );
      expect(reconciled.reconcileBankTransfer).toEqual({ changed: true, userErrors: [] });
    } finally {
      server.clock.set(NOW);
    }
    const delivered = await orderOf(org, order.id);
    expect(delivered).toMatchObject({
      status: 'PAID',
      paidAt: '2026-06-20T10:00:00.000Z',
      invoice: { status: 'PAID', amountDue: { amount: '0.00' } },
    });
    expect(delivered.lines[0].product).toMatchObject({
      status: 'ACTIVE',
      autoRenew: false,
      expiresAt: '2027-06-20T10:00:00.000Z',
    });
  });
});
