import { randomBytes } from 'node:crypto';
import { BankCreditEntity } from '../../src/modules/payments/bank-credit.entity';
import { PaymentEntity, PaymentStatus } from '../../src/modules/payments/payment.entity';
import { LedgerEntryEntity } from '../../src/modules/prepaid/ledger-entry.entity';
import { camt054Xml, CamtEntry } from '../fixtures/camt054';
import {
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  aSupportStaff,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { decodeQrCode, parseSwissPaymentCode } from '../helpers/pdf';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let admin: SignedUp;
beforeAll(async () => {
  server = await startTestServer();
  admin = await aPlatformAdmin(server);
});
afterAll(() => server.stop());

const unique = () => randomBytes(5).toString('hex');
const CREDIT = `id bankReference status reason paymentReference amount { amount currency } debtorName invoiceId paymentId resolvedAt resolutionNote`;
const IMPORT = `mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) {
  messageId matched unmatched alreadySeen ignored credits { ${CREDIT} } userErrors { code field message } } }`;
const UNMATCHED = `query($after: String) { bankCredits(first: 100, after: $after) { totalCount edges { node { ${CREDIT} } } } }`;
const RESOLVE = `mutation($input: ResolveBankCreditInput!) { resolveBankCredit(input: $input) { bankCredit { ${CREDIT} } userErrors { code field } } }`;
const PAY_ORDER = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id } userErrors { code message } } }`;
const INVOICE = `query($id: ID!) { node(id: $id) { ... on Invoice { status paidAt paymentReference amountDue { amount } } } }`;
const ORDER = `query($id: ID!) { node(id: $id) { ... on Order { status invoice { status } lines { product { status } } } } }`;
const BALANCE = `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount } } } }`;
const TOP_UP = `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) { payment { id status paymentReference } userErrors { code } } }`;

const importXml = (xml: string, token = admin.token) => server.gql(IMPORT, { input: { xml } }, token);
const invoiceOf = async (org: SignedUp, id: string) => ok(await server.gql(INVOICE, { id }, org.token)).node;
const orderOf = async (org: SignedUp, id: string) => ok(await server.gql(ORDER, { id }, org.token)).node;
const unmatchedCredits = async () => ok(await server.gql(UNMATCHED, {}, admin.token)).bankCredits;
const bankRef = () => `ZV${unique().toUpperCase()}`;

/** An order whose invoice waits for a bank transfer (payOrder with test_iban): its invoice id, reference and amount. */
async function aTransferOrder(org: SignedUp, lines?: Array<{ productType: string; name: string }>) {
  const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
  const order = await aPlacedOrder(server, org, lines);
  const paid = ok(
    await server.gql(
      PAY_ORDER,
      { input: { orderId: order.id, payment: { paymentMethodId: iban, idempotencyKey: unique() } } },
      org.token,
    ),
  ).payOrder;
  expect(paid.userErrors).toEqual([]);
  const invoice = await invoiceOf(org, order.invoice.id);
  expect(invoice.status).toBe('PRO_FORMA');
  return {
    orderId: order.id,
    invoiceId: order.invoice.id,
    reference: invoice.paymentReference as string,
    amount: invoice.amountDue.amount as string,
  };
}

/** What the database holds that an import could change: credits, payments, ledger entries and their states. */
async function snapshot() {
  const [credits, payments, ledger] = await Promise.all([
    server.dataSource.getRepository(BankCreditEntity).find({ order: { id: 'ASC' } }),
    server.dataSource.getRepository(PaymentEntity).find({ order: { id: 'ASC' } }),
    server.dataSource.getRepository(LedgerEntryEntity).count(),
  ]);
  const invoices = await server.dataSource.query('SELECT id, status, amountPaid FROM invoice ORDER BY id');
  return { credits, payments: payments.map((p) => [p.id, p.status, p.refundedAmount]), ledger, invoices };
}

describe('camt.054 import (Done when: the invoice turns PAID once, however many times the file is imported)', () => {
  let file: string;
  let exact: Awaited<ReturnType<typeof aTransferOrder>>;
  let partial: Awaited<ReturnType<typeof aTransferOrder>>;
  let customer: SignedUp;
  let other: SignedUp;
  const refs = { exact: bankRef(), partial: bankRef(), unknown: bankRef(), duplicate: bankRef() };

  beforeAll(async () => {
    customer = await anOrganization(server);
    other = await anOrganization(server);
    exact = await aTransferOrder(customer);
    partial = await aTransferOrder(other);
    const entries: CamtEntry[] = [
      { bankReference: refs.exact, amount: exact.amount, reference: exact.reference, debtorName: 'Customer AG' },
      { bankReference: refs.partial, amount: '10.00', reference: partial.reference, debtorName: 'Other AG' },
      {
        bankReference: refs.unknown,
        amount: '99.00',
        reference: '210000000003139471430009017',
        debtorName: 'Stranger',
      },
      { bankReference: refs.duplicate, amount: exact.amount, reference: exact.reference, debtorName: 'Customer AG' },
    ];
    file = camt054Xml(entries);
  });

  it('one exact, one partial, one unknown and one duplicate entry: exactly one invoice paid, three listed unmatched', async () => {
    const before = (await unmatchedCredits()).totalCount;
    const result = ok(await importXml(file)).importBankStatement;
    expect(result).toMatchObject({
      messageId: 'MSG-20260302-1',
      matched: 1,
      unmatched: 3,
      alreadySeen: 0,
      ignored: 0,
      userErrors: [],
    });
    expect(
      result.credits.map((c: { bankReference: string; status: string; reason: string | null }) => [
        c.bankReference,
        c.status,
        c.reason,
      ]),
    ).toEqual([
      [refs.exact, 'MATCHED', null],
      [refs.partial, 'UNMATCHED', 'AMOUNT_MISMATCH'],
      [refs.unknown, 'UNMATCHED', 'UNKNOWN_REFERENCE'],
      [refs.duplicate, 'UNMATCHED', 'NOT_PAYABLE'],
    ]);
    expect(await invoiceOf(customer, exact.invoiceId)).toMatchObject({
      status: 'PAID',
      paymentReference: null,
      amountDue: { amount: '0.00' },
    });
    expect(await orderOf(customer, exact.orderId)).toMatchObject({
      status: 'PAID',
      lines: [{ product: { status: 'ACTIVE' } }],
    });
    expect(await invoiceOf(other, partial.invoiceId)).toMatchObject({
      status: 'PRO_FORMA',
      amountDue: { amount: partial.amount },
    });

    const listed = await unmatchedCredits();
    expect(listed.totalCount).toBe(before + 3);
    const mine = listed.edges
      .map((e: { node: { bankReference: string } }) => e.node)
      .filter((c: { bankReference: string }) => Object.values(refs).includes(c.bankReference));
    expect(mine).toEqual([
      expect.objectContaining({
        bankReference: refs.partial,
        reason: 'AMOUNT_MISMATCH',
        amount: { amount: '10.00', currency: 'CHF' },
        debtorName: 'Other AG',
        invoiceId: partial.invoiceId,
        paymentReference: partial.reference,
      }),
      expect.objectContaining({ bankReference: refs.unknown, reason: 'UNKNOWN_REFERENCE', invoiceId: null }),
      expect.objectContaining({ bankReference: refs.duplicate, reason: 'NOT_PAYABLE', invoiceId: exact.invoiceId }),
    ]);
  });

  it('the same file again changes nothing', async () => {
    const before = await snapshot();
    const again = ok(await importXml(file)).importBankStatement;
    expect(again).toMatchObject({ matched: 0, unmatched: 0, alreadySeen: 4, credits: [], userErrors: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('a malformed file: a clear error, nothing changes', async () => {
    const before = await snapshot();
    const broken = camt054Xml([{ bankReference: bankRef(), amount: '12,50', reference: partial.reference }]);
    for (const xml of [broken, file.slice(0, file.length / 2), '<Document/>']) {
      const result = ok(await importXml(xml)).importBankStatement;
      expect(result.matched).toBeNull();
      expect(result.userErrors).toEqual([
        {
          code: 'MALFORMED_STATEMENT',
          field: ['input', 'xml'],
          message: expect.stringMatching(/^Not a readable camt\.054 file: /),
        },
      ]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('only platform admins import and list (customers, support staff: FORBIDDEN)', async () => {
    const support = await aSupportStaff(server);
    for (const token of [customer.token, support.token]) {
      expect(errorCode(await importXml(file, token))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql(UNMATCHED, {}, token))).toBe('FORBIDDEN');
    }
    expect(errorCode(await importXml(file, null as unknown as string))).toBe('UNAUTHENTICATED');
  });

  it('staff resolve an unmatched credit: it leaves the list, and cannot be resolved twice', async () => {
    const credit = (await unmatchedCredits()).edges.find(
      (e: { node: { bankReference: string } }) => e.node.bankReference === refs.unknown,
    ).node;
    const resolved = ok(
      await server.gql(RESOLVE, { input: { bankCreditId: credit.id, note: 'Refunded to the payer' } }, admin.token),
    ).resolveBankCredit;
    expect(resolved.bankCredit).toMatchObject({
      status: 'RESOLVED',
      resolutionNote: 'Refunded to the payer',
      resolvedAt: expect.any(String),
    });
    expect((await unmatchedCredits()).edges.some((e: { node: { id: string } }) => e.node.id === credit.id)).toBe(false);
    const twice = ok(
      await server.gql(RESOLVE, { input: { bankCreditId: credit.id, note: 'again' } }, admin.token),
    ).resolveBankCredit;
    expect(twice.userErrors).toEqual([{ code: 'NOT_UNMATCHED', field: ['input', 'bankCreditId'] }]);
    const empty = ok(
      await server.gql(RESOLVE, { input: { bankCreditId: credit.id, note: ' ' } }, admin.token),
    ).resolveBankCredit;
    expect(empty.userErrors[0].code).toBe('INVALID_INPUT');
  });
});

describe('Done when (issue 13)', () => {
  it('a new customer fills in its address, orders by bank transfer, pays the QR-bill of its PDF, and turns PAID once staff import the bank file, however often', async () => {
    const org = await anOrganization(server, { organizationName: 'Neukunde GmbH' });
    const address = { line1: 'Marktgasse 5', postalCode: '3011', city: 'Bern', country: 'CH' };
    const updated = ok(
      await server.gql(
        `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code } } }`,
        { input: { organizationId: org.organizationId, billingAddress: address } },
        org.token,
      ),
    );
    expect(updated.updateOrganization.userErrors).toEqual([]);
    const transfer = await aTransferOrder(org);
    const pdf = await fetch(`${server.url}/invoices/${transfer.invoiceId}.pdf`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    // The bank credits what the payer's banking app read from the QR code.
    const qr = parseSwissPaymentCode(decodeQrCode(Buffer.from(await pdf.arrayBuffer())) ?? '');
    expect(qr.debtor).toEqual({
      name: 'Neukunde GmbH',
      street: 'Marktgasse 5',
      postalCode: '3011',
      city: 'Bern',
      country: 'CH',
    });
    const file = camt054Xml([
      {
        bankReference: bankRef(),
        amount: qr.amount,
        currency: qr.currency,
        reference: qr.reference,
        debtorName: qr.debtor?.name,
      },
    ]);

    expect(ok(await importXml(file)).importBankStatement).toMatchObject({ matched: 1, unmatched: 0, userErrors: [] });
    const paid = await invoiceOf(org, transfer.invoiceId);
    expect(paid).toMatchObject({ status: 'PAID', amountDue: { amount: '0.00' } });
    for (let i = 0; i < 2; i++)
      expect(ok(await importXml(file)).importBankStatement).toMatchObject({ matched: 0, unmatched: 0, alreadySeen: 1 });
    expect(await invoiceOf(org, transfer.invoiceId)).toEqual(paid);
    expect(
      await server.dataSource.getRepository(PaymentEntity).countBy({ organizationId: localId(org.organizationId) }),
    ).toBe(1);
  });
});

describe('camt.054 import: other cases', () => {
  it('an open invoice paid with its QR-bill (no transfer announced) turns PAID and its order is delivered', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org);
    const invoice = await invoiceOf(org, order.invoice.id);
    expect(invoice.status).toBe('OPEN');
    const result = ok(
      await importXml(
        camt054Xml([
          { bankReference: bankRef(), amount: invoice.amountDue.amount, reference: invoice.paymentReference },
        ]),
      ),
    ).importBankStatement;
    expect(result).toMatchObject({ matched: 1, unmatched: 0 });
    expect(await invoiceOf(org, order.invoice.id)).toMatchObject({ status: 'PAID', amountDue: { amount: '0.00' } });
    expect(await orderOf(org, order.id)).toMatchObject({ status: 'PAID', lines: [{ product: { status: 'ACTIVE' } }] });
    const [payment] = await server.dataSource
      .getRepository(PaymentEntity)
      .findBy({ organizationId: localId(org.organizationId) });
    expect(payment).toMatchObject({ status: PaymentStatus.SUCCEEDED, category: 'CHARGE', paymentMethodId: null });
  });

  it('a transfer that arrives after the domain went to someone else is recorded, refunded and the order cancelled (reconcile rules)', async () => {
    const name = `race-${unique()}.ch`;
    const slow = await anOrganization(server);
    const fast = await anOrganization(server);
    const transfer = await aTransferOrder(slow, [{ productType: 'DOMAIN', name }]);
    const card = await aPaymentMethod(server, fast);
    const fastOrder = await aPlacedOrder(server, fast, [{ productType: 'DOMAIN', name }]);
    expect(
      ok(
        await server.gql(
          PAY_ORDER,
          { input: { orderId: fastOrder.id, payment: { paymentMethodId: card, idempotencyKey: unique() } } },
          fast.token,
        ),
      ).payOrder.userErrors,
    ).toEqual([]);

    const result = ok(
      await importXml(
        camt054Xml([{ bankReference: bankRef(), amount: transfer.amount, reference: transfer.reference }]),
      ),
    ).importBankStatement;
    expect(result).toMatchObject({ matched: 1, unmatched: 0 });
    expect(await orderOf(slow, transfer.orderId)).toMatchObject({
      status: 'CANCELLED',
      invoice: { status: 'REFUNDED' },
    });
    const [payment] = await server.dataSource
      .getRepository(PaymentEntity)
      .findBy({ organizationId: localId(slow.organizationId) });
    expect(payment.status).toBe(PaymentStatus.REFUNDED);
  });

  it('an open order whose domain is taken is not paid by an unannounced transfer: kept for staff', async () => {
    const name = `gone-${unique()}.ch`;
    const late = await anOrganization(server);
    const fast = await anOrganization(server);
    const lateOrder = await aPlacedOrder(server, late, [{ productType: 'DOMAIN', name }]);
    const fastOrder = await aPlacedOrder(server, fast, [{ productType: 'DOMAIN', name }]);
    const card = await aPaymentMethod(server, fast);
    ok(
      await server.gql(
        PAY_ORDER,
        { input: { orderId: fastOrder.id, payment: { paymentMethodId: card, idempotencyKey: unique() } } },
        fast.token,
      ),
    );
    const invoice = await invoiceOf(late, lateOrder.invoice.id);
    const result = ok(
      await importXml(
        camt054Xml([
          { bankReference: bankRef(), amount: invoice.amountDue.amount, reference: invoice.paymentReference },
        ]),
      ),
    ).importBankStatement;
    expect(result.credits).toEqual([
      expect.objectContaining({ status: 'UNMATCHED', reason: 'NOT_PAYABLE', invoiceId: lateOrder.invoice.id }),
    ]);
    expect((await invoiceOf(late, lateOrder.invoice.id)).status).toBe('OPEN');
  });

  it('a blocked order is not paid by an unannounced transfer (the money could only go back by hand): kept for staff', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org, [{ productType: 'DOMAIN', name: `postfinance-${unique()}.ch` }]);
    expect((await orderOf(org, order.id)).status).toBe('BLOCKED');
    const invoice = await invoiceOf(org, order.invoice.id);
    const before = await snapshot();
    const result = ok(
      await importXml(
        camt054Xml([
          { bankReference: bankRef(), amount: invoice.amountDue.amount, reference: invoice.paymentReference },
        ]),
      ),
    ).importBankStatement;
    expect(result).toMatchObject({ matched: 0, unmatched: 1, userErrors: [] });
    expect(result.credits).toEqual([
      expect.objectContaining({ status: 'UNMATCHED', reason: 'NOT_PAYABLE', invoiceId: order.invoice.id }),
    ]);
    expect(await orderOf(org, order.id)).toMatchObject({ status: 'BLOCKED', invoice: { status: 'OPEN' } });
    const after = await snapshot();
    expect(after.credits).toHaveLength(before.credits.length + 1);
    expect({ ...after, credits: [] }).toEqual({ ...before, credits: [] });
  });

  it('one transfer announced for two invoices: one invoice’s share alone waits for staff; the whole sum pays both', async () => {
    const org = await anOrganization(server);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const first = await aPlacedOrder(server, org);
    const second = await aPlacedOrder(server, org);
    const announced = ok(
      await server.gql(
        `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { invoices { status } userErrors { code } } }`,
        {
          input: {
            invoiceIds: [first.invoice.id, second.invoice.id],
            payment: { paymentMethodId: iban, idempotencyKey: unique() },
          },
        },
        org.token,
      ),
    ).payInvoices;
    expect(announced).toEqual({ invoices: [{ status: 'PRO_FORMA' }, { status: 'PRO_FORMA' }], userErrors: [] });
    const [a, b] = [await invoiceOf(org, first.invoice.id), await invoiceOf(org, second.invoice.id)];
    const share = ok(
      await importXml(
        camt054Xml([{ bankReference: bankRef(), amount: a.amountDue.amount, reference: a.paymentReference }]),
      ),
    ).importBankStatement;
    expect(share.credits).toEqual([expect.objectContaining({ status: 'UNMATCHED', reason: 'GROUPED_TRANSFER' })]);
    expect((await invoiceOf(org, first.invoice.id)).status).toBe('PRO_FORMA');
    const sum = (Number(a.amountDue.amount) + Number(b.amountDue.amount)).toFixed(2);
    const whole = ok(
      await importXml(camt054Xml([{ bankReference: bankRef(), amount: sum, reference: b.paymentReference }])),
    ).importBankStatement;
    expect(whole).toMatchObject({ matched: 1, unmatched: 0 });
    expect([(await invoiceOf(org, first.invoice.id)).status, (await invoiceOf(org, second.invoice.id)).status]).toEqual(
      ['PAID', 'PAID'],
    );
  });

  it('a top-up by bank transfer is credited when its credit arrives', async () => {
    const org = await anOrganization(server);
    const iban = await aPaymentMethod(server, org, 'test_iban', 'IBAN_TRANSFER');
    const payment = ok(
      await server.gql(
        TOP_UP,
        {
          input: {
            organizationId: org.organizationId,
            amount: { amount: '80.00', currency: 'CHF' },
            paymentMethodId: iban,
            idempotencyKey: unique(),
          },
        },
        org.token,
      ),
    ).topUpPrepaidAccount.payment;
    const wrong = { bankReference: bankRef(), amount: '80.00', currency: 'EUR', reference: payment.paymentReference };
    const right = { bankReference: bankRef(), amount: '80.00', reference: payment.paymentReference };
    const result = ok(await importXml(camt054Xml([wrong, right]))).importBankStatement;
    expect(result.credits.map((c: { status: string; reason: string | null }) => [c.status, c.reason])).toEqual([
      ['UNMATCHED', 'CURRENCY_MISMATCH'],
      ['MATCHED', null],
    ]);
    expect(
      ok(await server.gql(BALANCE, { id: org.organizationId }, org.token)).organization.prepaidAccount.balance.amount,
    ).toBe('80.00');
  });

  it('a transfer staff reconciled by hand before the file came: its credit matches and nothing changes', async () => {
    const org = await anOrganization(server);
    const transfer = await aTransferOrder(org);
    const payment = await server.dataSource
      .getRepository(PaymentEntity)
      .findOneByOrFail({ organizationId: localId(org.organizationId) });
    await server.app.services.payments.reconcile(server.app.systemContext(), payment.id);
    const before = await snapshot();
    const result = ok(
      await importXml(
        camt054Xml([{ bankReference: bankRef(), amount: transfer.amount, reference: transfer.reference }]),
      ),
    ).importBankStatement;
    expect(result.credits).toEqual([expect.objectContaining({ status: 'MATCHED', invoiceId: transfer.invoiceId })]);
    const after = await snapshot();
    expect({ ...after, credits: after.credits.length }).toEqual({ ...before, credits: before.credits.length + 1 });
  });

  it('debits are ignored; a credit without a reference is kept for staff; one entry twice in a file counts once', async () => {
    const twice = bankRef();
    const result = ok(
      await importXml(
        camt054Xml([
          { bankReference: bankRef(), amount: '12.00', direction: 'DBIT' },
          { bankReference: bankRef(), amount: '25.00', message: 'for invoice 2026-000001' },
          { bankReference: twice, amount: '5.00', message: 'tip' },
          { bankReference: twice, amount: '5.00', message: 'tip' },
        ]),
      ),
    ).importBankStatement;
    expect(result).toMatchObject({ matched: 0, unmatched: 2, alreadySeen: 1, ignored: 1 });
    expect(result.credits.map((c: { reason: string }) => c.reason)).toEqual(['NO_REFERENCE', 'NO_REFERENCE']);
  });
});
