import { randomBytes } from 'node:crypto';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/cli/seed-demo';
import { isValidCreditorReference, isValidQrReference } from '../../src/calc/qr-reference';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import {
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { decodeQrCode, parseSwissPaymentCode, shownText } from '../helpers/pdf';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const key = () => `key-${randomBytes(6).toString('hex')}`;
const UPDATE = `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
  organization { billingAddress { line1 line2 postalCode city country } vatNumber address } userErrors { code field message } } }`;
const DETAILS = `query($id: ID!) { organization(id: $id) { billingAddress { line1 line2 postalCode city country } vatNumber } }`;
const PAY_ORDER = `mutation($input: PayOrderInput!) { payOrder(input: $input) {
  order { invoice { id number status paymentReference amountDue { amount currency } } } userErrors { code message } } }`;
const INVOICE = `query($id: ID!) { node(id: $id) { ... on Invoice { status paymentReference amountDue { amount } vat { amount } } } }`;
const TOP_UP = `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) {
  payment { id status paymentReference } userErrors { code message } } }`;
const RECONCILE = `mutation($input: ReconcileBankTransferInput!) { reconcileBankTransfer(input: $input) { changed userErrors { code } } }`;

const ZURICH = { line1: 'Bahnhofstrasse 1', line2: 'c/o Finance', postalCode: '8001', city: 'Zürich', country: 'CH' };

const update = (org: SignedUp, fields: Record<string, unknown>, token = org.token) =>
  server.gql(UPDATE, { input: { organizationId: org.organizationId, ...fields } }, token);

async function pdfOf(invoiceId: string, token: string): Promise<Buffer> {
  const response = await fetch(`${server.url}/invoices/${invoiceId}.pdf`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Places an order and pays it by bank transfer (test_iban): its invoice is PRO_FORMA until the money arrives. */
async function anOrderPaidByTransfer(org: SignedUp) {
  const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
  const order = await aPlacedOrder(server, org);
  const paid = ok(
    await server.gql(
      PAY_ORDER,
      { input: { orderId: order.id, payment: { paymentMethodId: iban, idempotencyKey: key() } } },
      org.token,
    ),
  ).payOrder;
  expect(paid.userErrors).toEqual([]);
  return paid.order.invoice as {
    id: string;
    number: string;
    status: string;
    paymentReference: string;
    amountDue: { amount: string; currency: string };
  };
}

describe('billing address and VAT number (updateOrganization)', () => {
  it('stores them in canonical form; null removes them', async () => {
    const org = await anOrganization(server);
    const saved = ok(
      await update(org, {
        billingAddress: { ...ZURICH, postalCode: 'CH-8001', country: 'ch' },
        vatNumber: 'che116281710 mwst',
      }),
    ).updateOrganization;
    expect(saved).toEqual({
      organization: {
        billingAddress: ZURICH,
        vatNumber: 'CHE-116.281.710 MWST',
        address: ['Bahnhofstrasse 1', 'c/o Finance', '8001 Zürich'],
      },
      userErrors: [],
    });
    const cleared = ok(await update(org, { billingAddress: null, vatNumber: '' })).updateOrganization;
    expect(cleared.organization).toEqual({ billingAddress: null, vatNumber: null, address: null });
  });

  it('an update that changes nothing (name and country null mean "keep") answers the organization as it was', async () => {
    // Found by the fuzz test on MariaDB: an empty SET made the ORM throw, answered as a 500.
    const org = await anOrganization(server);
    await update(org, { billingAddress: ZURICH });
    const same = ok(await update(org, { name: null, country: null })).updateOrganization;
    expect(same).toEqual({
      organization: expect.objectContaining({ billingAddress: ZURICH }),
      userErrors: [],
    });
  });

  it.each([
    [
      'a Swiss postal code of 5 digits',
      { billingAddress: { ...ZURICH, postalCode: '80011' } },
      'INVALID_POSTAL_CODE',
      ['input', 'billingAddress', 'postalCode'],
    ],
    [
      'a German postal code of 4 digits',
      { billingAddress: { ...ZURICH, postalCode: '1011', country: 'DE' } },
      'INVALID_POSTAL_CODE',
      ['input', 'billingAddress', 'postalCode'],
    ],
    [
      'a bad country',
      { billingAddress: { ...ZURICH, country: 'Switzerland' } },
      'INVALID_COUNTRY',
      ['input', 'billingAddress', 'country'],
    ],
    [
      'an empty street',
      { billingAddress: { ...ZURICH, line1: ' ' } },
      'INVALID_INPUT',
      ['input', 'billingAddress', 'line1'],
    ],
    [
      'a city over 35 characters',
      { billingAddress: { ...ZURICH, city: 'x'.repeat(36) } },
      'INVALID_INPUT',
      ['input', 'billingAddress', 'city'],
    ],
    [
      'a Swiss VAT number with a wrong check digit',
      { vatNumber: 'CHE-116.281.711 MWST' },
      'INVALID_VAT_NUMBER',
      ['input', 'vatNumber'],
    ],
    ['a UID without MWST/TVA/IVA', { vatNumber: 'CHE-116.281.710' }, 'INVALID_VAT_NUMBER', ['input', 'vatNumber']],
    ['a malformed EU VAT id', { vatNumber: 'DE12345' }, 'INVALID_VAT_NUMBER', ['input', 'vatNumber']],
  ])('refuses %s and changes nothing', async (_name, fields, code, field) => {
    const org = await anOrganization(server);
    ok(await update(org, { billingAddress: ZURICH, vatNumber: 'DE123456789' }));
    const refused = ok(await update(org, { ...fields, name: 'Renamed SA' })).updateOrganization;
    expect(refused.organization).toBeNull();
    expect(refused.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(ok(await server.gql(DETAILS, { id: org.organizationId }, org.token)).organization).toEqual({
      billingAddress: ZURICH,
      vatNumber: 'DE123456789',
    });
  });

  it('only a legal representative changes them (R4); another tenant is FORBIDDEN', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const stranger = await anOrganization(server);
    expect(errorCode(await update(org, { billingAddress: ZURICH }, admin.token))).toBe('FORBIDDEN');
    expect(errorCode(await update(org, { vatNumber: 'DE123456789' }, stranger.token))).toBe('FORBIDDEN');
    expect(ok(await server.gql(DETAILS, { id: org.organizationId }, org.token)).organization).toEqual({
      billingAddress: null,
      vatNumber: null,
    });
  });
});

describe('invoice PDF with the Swiss QR-bill', () => {
  it('an order paid by test_iban: the PDF carries the QR reference, and its payment part decodes to the invoice', async () => {
    const org = await anOrganization(server, { organizationName: 'Client Sàrl' });
    ok(await update(org, { billingAddress: ZURICH, vatNumber: 'CHE-116.281.710 MWST' }));
    const invoice = await anOrderPaidByTransfer(org);
    expect(invoice.status).toBe('PRO_FORMA');
    expect(invoice.paymentReference).toMatch(/^\d{27}$/);
    expect(isValidQrReference(invoice.paymentReference)).toBe(true);

    const pdf = await pdfOf(invoice.id, org.token);
    const text = shownText(pdf);
    const printed = invoice.paymentReference.replace(
      /^(\d\d)(\d{5})(\d{5})(\d{5})(\d{5})(\d{5})$/,
      '$1 $2 $3 $4 $5 $6',
    );
    expect(text).toContain(printed);
    for (const expected of [
      'Client Sàrl',
      'Bahnhofstrasse 1',
      'c/o Finance',
      '8001 Zürich',
      'Your VAT no.: CHE-116.281.710 MWST',
      'sum of line VAT',
    ])
      expect(text).toContain(expected);
    expect(parseSwissPaymentCode(decodeQrCode(pdf) ?? '')).toEqual({
      header: ['SPC', '0200', '1'],
      account: 'CH4431999123000889012',
      creditor: {
        name: 'Partner Platform Hosting SA',
        street: 'Rue de la Colline 12',
        postalCode: '1227',
        city: 'Carouge GE',
        country: 'CH',
      },
      amount: invoice.amountDue.amount,
      currency: 'CHF',
      debtor: { name: 'Client Sàrl', street: 'Bahnhofstrasse 1', postalCode: '8001', city: 'Zürich', country: 'CH' },
      referenceType: 'QRR',
      reference: invoice.paymentReference,
      message: `Invoice ${invoice.number}`,
      trailer: 'EPD',
    });
  });

  it('an organization without an address still gets a valid QR-bill, "Payable by" left blank', async () => {
    const org = await anOrganization(server);
    const invoice = await anOrderPaidByTransfer(org);
    const pdf = await pdfOf(invoice.id, org.token);
    expect(shownText(pdf)).toContain('Payable by (name/address)');
    const code = parseSwissPaymentCode(decodeQrCode(pdf) ?? '');
    expect(code).toMatchObject({
      account: 'CH4431999123000889012',
      amount: invoice.amountDue.amount,
      referenceType: 'QRR',
      reference: invoice.paymentReference,
    });
    expect(code.debtor).toBeNull();
  });

  it('once paid, the invoice has no reference and its PDF no payment part', async () => {
    const org = await anOrganization(server);
    const invoice = await anOrderPaidByTransfer(org);
    const admin = await aPlatformAdmin(server);
    const payment = await server.dataSource
      .getRepository(PaymentEntity)
      .findOneByOrFail({ organizationId: localId(org.organizationId) });
    const paymentGid = Buffer.from(`Payment:${payment.id}`).toString('base64url');
    expect(
      ok(await server.gql(RECONCILE, { input: { paymentId: paymentGid } }, admin.token)).reconcileBankTransfer.changed,
    ).toBe(true);
    expect(ok(await server.gql(INVOICE, { id: invoice.id }, org.token)).node).toMatchObject({
      status: 'PAID',
      paymentReference: null,
    });
    const pdf = await pdfOf(invoice.id, org.token);
    expect(decodeQrCode(pdf)).toBeNull();
    expect(shownText(pdf)).not.toContain('Payment part');
  });

  it('an open invoice (not paid yet) carries the QR-bill too', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org);
    const invoice = ok(await server.gql(INVOICE, { id: order.invoice.id }, org.token)).node;
    expect(invoice.status).toBe('OPEN');
    expect(isValidQrReference(invoice.paymentReference)).toBe(true);
    expect(parseSwissPaymentCode(decodeQrCode(await pdfOf(order.invoice.id, org.token)) ?? '').reference).toBe(
      invoice.paymentReference,
    );
  });

  it('a German business with a VAT id, billed in EUR: 0 % with the reverse-charge mention, QR-bill in EUR', async () => {
    const org = await anOrganization(server, { currency: 'EUR', country: 'DE' });
    ok(
      await update(org, {
        billingAddress: { line1: 'Unter den Linden 5', postalCode: '10117', city: 'Berlin', country: 'DE' },
        vatNumber: 'DE 123 456 789',
      }),
    );
    const order = await aPlacedOrder(server, org);
    expect(ok(await server.gql(INVOICE, { id: order.invoice.id }, org.token)).node.vat.amount).toBe('0.00');
    const pdf = await pdfOf(order.invoice.id, org.token);
    const text = shownText(pdf);
    expect(text).toContain('Reverse charge: VAT to be accounted for by the recipient');
    expect(text).toContain('Your VAT no.: DE123456789');
    expect(text).toContain('GERMANY');
    expect(parseSwissPaymentCode(decodeQrCode(pdf) ?? '')).toMatchObject({
      currency: 'EUR',
      debtor: {
        name: expect.any(String),
        street: 'Unter den Linden 5',
        postalCode: '10117',
        city: 'Berlin',
        country: 'DE',
      },
    });
  });

  it('a prepaid top-up by bank transfer gets a reference of its own; a card top-up none', async () => {
    const org = await anOrganization(server);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const card = await aPaymentMethod(server, org);
    const topUp = async (paymentMethodId: string) =>
      ok(
        await server.gql(
          TOP_UP,
          {
            input: {
              organizationId: org.organizationId,
              amount: { amount: '50.00', currency: 'CHF' },
              paymentMethodId,
              idempotencyKey: key(),
            },
          },
          org.token,
        ),
      ).topUpPrepaidAccount.payment;
    const byTransfer = await topUp(iban);
    expect(byTransfer.status).toBe('PENDING');
    expect(isValidQrReference(byTransfer.paymentReference)).toBe(true);
    expect((await topUp(card)).paymentReference).toBeNull();
  });
});

describe('with a plain IBAN configured (no QR-IBAN)', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer({
      env: { BILLING_IBAN: 'CH93 0076 2011 6238 5295 7', BILLING_REFERENCE_PREFIX: '42' },
    });
  });
  afterAll(() => plain.stop());

  it('references are ISO 11649 (RF) and the QR-bill says SCOR', async () => {
    const org = await anOrganization(plain);
    const order = await aPlacedOrder(plain, org);
    const invoice = ok(await plain.gql(INVOICE, { id: order.invoice.id }, org.token)).node;
    expect(invoice.paymentReference).toMatch(/^RF\d{2}421\d{12}$/);
    expect(isValidCreditorReference(invoice.paymentReference)).toBe(true);
    const response = await fetch(`${plain.url}/invoices/${order.invoice.id}.pdf`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    const code = parseSwissPaymentCode(decodeQrCode(Buffer.from(await response.arrayBuffer())) ?? '');
    expect(code).toMatchObject({
      account: 'CH9300762011623852957',
      referenceType: 'SCOR',
      reference: invoice.paymentReference,
    });
  });
});

describe('demo data', () => {
  let fresh: TestServer;
  beforeAll(async () => {
    fresh = await startTestServer();
  });
  afterAll(() => fresh.stop());

  it('the demo organizations have billing addresses (and the company a VAT number)', async () => {
    await seedDemoIfEmpty(fresh.app.systemContext(), fresh.app.services);
    const logIn = async (email: string) =>
      ok(
        await fresh.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token } }`, {
          input: { email, password: DEMO_PASSWORD },
        }),
      ).logIn.token as string;
    const details = async (email: string) => {
      const token = await logIn(email);
      const viewer = ok(
        await fresh.gql(
          `{ viewer { memberships { edges { node { organization { name billingAddress { city country } vatNumber } } } } } }`,
          {},
          token,
        ),
      ).viewer;
      return viewer.memberships.edges.map((e: { node: { organization: unknown } }) => e.node.organization);
    };
    expect(await details('demo@example.ch')).toEqual([
      { name: 'Demo Hosting SA', billingAddress: { city: 'Genève', country: 'CH' }, vatNumber: 'CHE-123.456.788 TVA' },
    ]);
    expect(await details('mario@example.it')).toEqual([
      { name: 'Mario Rossi', billingAddress: { city: 'Roma', country: 'IT' }, vatNumber: null },
    ]);
  });
});
