/**
 * PaymentService on a real database (SQLite, or MariaDB with TEST_MYSQL_URL): the interface the
 * orders/invoices module calls, exercised where GraphQL does not reach yet.
 */
import { RequestContext } from '../../src/context';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import { PaymentDeclinedError } from '../../src/modules/payments/payment.errors';
import { PaymentRequest } from '../../src/modules/payments/payment.service';
import { LedgerEntryEntity, LedgerEntryKind } from '../../src/modules/prepaid/ledger-entry.entity';
import { PrepaidAccountEntity } from '../../src/modules/prepaid/prepaid-account.entity';
import { anOrganization, SignedUp } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let ctx: RequestContext;
const settled: number[] = [];
beforeAll(async () => {
  server = await startTestServer();
  ctx = server.app.systemContext();
  server.app.services.payments.onSettled(async (_ctx, paymentId) => {
    settled.push(paymentId);
  });
});
afterAll(() => server.stop());
afterEach(() => jest.restoreAllMocks());

const localId = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
const payments = () => server.app.services.payments;
let keySeq = 0;
const newKey = () => `svc-${++keySeq}`;

interface Payer {
  org: SignedUp;
  orgId: number;
}

async function aPayer(prepaidBalance = 0, currency: 'CHF' | 'EUR' = 'CHF'): Promise<Payer> {
  const org = await anOrganization(server, { currency, country: currency === 'CHF' ? 'CH' : 'DE' });
  const orgId = localId(org.organizationId);
  if (prepaidBalance > 0)
    await payments().postLedgerEntry(ctx, orgId, LedgerEntryKind.ADJUSTMENT, prepaidBalance, 'opening balance');
  return { org, orgId };
}

async function methodOf(payer: Payer, gatewayToken: string, kind = 'CARD'): Promise<number> {
  const mutation = `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id } userErrors { code } } }`;
  const { addPaymentMethod } = ok(
    await server.gql(
      mutation,
      { input: { organizationId: payer.org.organizationId, kind, gatewayToken } },
      payer.org.token,
    ),
  );
  return localId(addPaymentMethod.paymentMethod.id);
}

const request = (payer: Payer, over: Partial<PaymentRequest> = {}): PaymentRequest => {
  const base = {
    organizationId: payer.orgId,
    currency: 'CHF' as const,
    amount: 1000,
    prepaidAmount: 1000,
    paymentMethodId: null,
    idempotencyKey: newKey(),
    purpose: 'Invoice 2026-000001',
    ...over,
  };
  return { fingerprint: `test|${base.amount}|${base.prepaidAmount}|${base.paymentMethodId}`, ...base };
};

const collect = (req: PaymentRequest) => payments().withPayment(ctx, (trx) => payments().collect(trx, req));

async function ledgerState(orgId: number) {
  const account = await server.dataSource.getRepository(PrepaidAccountEntity).findOneBy({ organizationId: orgId });
  const entries = await server.dataSource
    .getRepository(LedgerEntryEntity)
    .find({ where: { organizationId: orgId }, order: { id: 'ASC' } });
  return { balance: account?.balance ?? 0, entries, sum: entries.reduce((s, e) => s + e.amount, 0) };
}

const paymentsOf = (orgId: number) =>
  server.dataSource.getRepository(PaymentEntity).find({ where: { organizationId: orgId }, order: { id: 'ASC' } });

describe('concurrent debits are serialized (R19)', () => {
  it('50 concurrent prepaid payments of 10.00 against 100.00: exactly 10 succeed, the balance ends at 0 and equals the ledger', async () => {
    const payer = await aPayer(10_000);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => collect(request(payer, { amount: 1000, prepaidAmount: 1000 }))),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(succeeded).toHaveLength(10);
    expect(refused.map((r) => r.reason.code)).toEqual(Array(40).fill('INSUFFICIENT_PREPAID_BALANCE'));

    const { balance, entries, sum } = await ledgerState(payer.orgId);
    expect(balance).toBe(0);
    expect(sum).toBe(balance);
    expect(entries).toHaveLength(11);
    let running = 0;
    for (const entry of entries) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
      expect(entry.balanceAfter).toBeGreaterThanOrEqual(0);
    }
    expect((await paymentsOf(payer.orgId)).map((p) => p.status)).toEqual(Array(10).fill('SUCCEEDED'));
  });

  it('first-time creation of the prepaid account by concurrent credits loses nothing', async () => {
    const payer = await aPayer();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        payments().postLedgerEntry(ctx, payer.orgId, LedgerEntryKind.CASHBACK, 100 + i, `cashback ${i}`),
      ),
    );
    const { balance, sum, entries } = await ledgerState(payer.orgId);
    expect(entries).toHaveLength(10);
    expect(balance).toBe(1045);
    expect(sum).toBe(balance);
  });
});

describe('mixed payments (R15)', () => {
  it('takes the prepaid part first and charges the method for the rest', async () => {
    const payer = await aPayer(3000);
    const visa = await methodOf(payer, 'test_visa');
    const charge = jest.spyOn(server.app.services.gateway, 'charge');
    const outcome = await collect(request(payer, { amount: 10_000, prepaidAmount: 3000, paymentMethodId: visa }));
    expect(outcome).toEqual({
      paymentId: expect.any(Number),
      status: 'SUCCEEDED',
      replayed: false,
      prepaidAmount: 3000,
      methodAmount: 7000,
      methodKind: 'CARD',
      paymentMethodId: visa,
    });
    expect(charge).toHaveBeenCalledTimes(1);
    expect(charge.mock.calls[0][0]).toMatchObject({ amount: 7000, currency: 'CHF', recurring: false });
    const { balance, entries } = await ledgerState(payer.orgId);
    expect(balance).toBe(0);
    expect(entries.at(-1)).toMatchObject({
      kind: 'PAYMENT',
      amount: -3000,
      balanceAfter: 0,
      reference: 'Invoice 2026-000001',
      paymentId: outcome.paymentId,
    });
  });

  it('a declined charge rolls everything back and leaves only the failed attempt', async () => {
    const payer = await aPayer(3000);
    const declined = await methodOf(payer, 'test_declined');
    const req = request(payer, { amount: 10_000, prepaidAmount: 2000, paymentMethodId: declined });
    const work = payments().withPayment(ctx, async (trx) => {
      await server.app.services.audit.record(
        trx,
        payer.orgId,
        'test.before_payment',
        'written in the same transaction',
      );
      return payments().collect(trx, req);
    });
    await expect(work).rejects.toBeInstanceOf(PaymentDeclinedError);
    const { balance, entries } = await ledgerState(payer.orgId);
    expect(balance).toBe(3000);
    expect(entries.map((e) => e.kind)).toEqual(['ADJUSTMENT']);
    expect(
      await server.dataSource
        .getRepository(AuditEventEntity)
        .countBy({ organizationId: payer.orgId, action: 'test.before_payment' }),
    ).toBe(0);
    expect(await paymentsOf(payer.orgId)).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        amount: 10_000,
        prepaidAmount: 2000,
        methodAmount: 8000,
        failureReason: 'card_declined',
        idempotencyKey: req.idempotencyKey,
      }),
    ]);
    await expect(collect(req)).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(await paymentsOf(payer.orgId)).toHaveLength(1);
  });

  it('a card that fails later is stored fine, pays a customer-present charge, and fails a recurring one', async () => {
    const payer = await aPayer();
    const card = await methodOf(payer, 'test_fails_later');
    expect((await collect(request(payer, { prepaidAmount: 0, paymentMethodId: card }))).status).toBe('SUCCEEDED');
    await expect(
      collect(request(payer, { prepaidAmount: 0, paymentMethodId: card, recurring: true })),
    ).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect((await paymentsOf(payer.orgId)).map((p) => [p.status, p.recurring, p.failureReason])).toEqual([
      ['SUCCEEDED', false, null],
      ['FAILED', true, 'insufficient_funds'],
    ]);
  });

  it('money charged by a transaction that then fails is given back, and a retry charges afresh', async () => {
    const payer = await aPayer();
    const visa = await methodOf(payer, 'test_visa');
    const charge = jest.spyOn(server.app.services.gateway, 'charge');
    const refund = jest.spyOn(server.app.services.gateway, 'refund');
    const req = request(payer, { prepaidAmount: 0, paymentMethodId: visa });
    const failing = payments().withPayment(ctx, async (trx) => {
      await payments().collect(trx, req);
      throw new Error('invoice could not be marked paid');
    });
    await expect(failing).rejects.toThrow('invoice could not be marked paid');
    expect(refund).toHaveBeenCalledTimes(1);
    expect(refund.mock.calls[0][0]).toMatchObject({
      amount: 1000,
      transactionId: (await charge.mock.results[0].value).transactionId,
    });
    expect(await paymentsOf(payer.orgId)).toEqual([]);

    const retried = await collect(req);
    expect(retried).toMatchObject({ status: 'SUCCEEDED', replayed: false });
    expect(charge).toHaveBeenCalledTimes(2);
    expect(charge.mock.calls[1][0].idempotencyKey).not.toBe(charge.mock.calls[0][0].idempotencyKey);
  });
});

describe('idempotency of collect (R19)', () => {
  it('the same key and request replays the first outcome without debiting again', async () => {
    const payer = await aPayer(5000);
    const req = request(payer, { amount: 2000, prepaidAmount: 2000 });
    const first = await collect(req);
    const again = await collect({ ...req });
    expect(again).toEqual({ ...first, replayed: true });
    expect((await ledgerState(payer.orgId)).balance).toBe(3000);
  });

  it('the same key with another request is IDEMPOTENCY_KEY_REUSED', async () => {
    const payer = await aPayer(5000);
    const req = request(payer, { amount: 2000, prepaidAmount: 2000 });
    await collect(req);
    await expect(collect({ ...req, amount: 2500, prepaidAmount: 2500 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      field: ['input', 'payment', 'idempotencyKey'],
    });
    await expect(collect({ ...req, fingerprint: 'invoices:99' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect((await ledgerState(payer.orgId)).balance).toBe(3000);
  });
});

describe('refused requests write nothing', () => {
  it.each<[string, (p: Payer, visa: number, foreign: number) => Partial<PaymentRequest>, string]>([
    ['more prepaid than the balance', () => ({ amount: 5000, prepaidAmount: 5000 }), 'INSUFFICIENT_PREPAID_BALANCE'],
    ['no method for the rest', () => ({ amount: 5000, prepaidAmount: 100 }), 'PAYMENT_METHOD_REQUIRED'],
    [
      "another organization's method",
      (_p, _v, foreign) => ({ prepaidAmount: 0, paymentMethodId: foreign }),
      'PAYMENT_METHOD_NOT_FOUND',
    ],
    [
      'another currency',
      (_p, visa) => ({ currency: 'EUR', prepaidAmount: 0, paymentMethodId: visa }),
      'CURRENCY_NOT_SUPPORTED',
    ],
    ['a zero amount', () => ({ amount: 0, prepaidAmount: 0 }), 'INVALID_AMOUNT'],
    ['a fractional amount', () => ({ amount: 10.5, prepaidAmount: 0 }), 'INVALID_AMOUNT'],
    ['prepaid above the amount', () => ({ amount: 100, prepaidAmount: 200 }), 'INVALID_AMOUNT'],
    ['an empty key', () => ({ idempotencyKey: '' }), 'INVALID_INPUT'],
    ['an overlong key', () => ({ idempotencyKey: 'k'.repeat(101) }), 'INVALID_INPUT'],
  ])('%s → %s', async (_label, change, code) => {
    const payer = await aPayer(1000);
    const visa = await methodOf(payer, 'test_visa');
    const foreign = await methodOf(await aPayer(), 'test_visa');
    const charge = jest.spyOn(server.app.services.gateway, 'charge');
    await expect(collect(request(payer, change(payer, visa, foreign)))).rejects.toMatchObject({ code });
    expect(charge).not.toHaveBeenCalled();
    expect(await paymentsOf(payer.orgId)).toEqual([]);
    expect((await ledgerState(payer.orgId)).balance).toBe(1000);
  });

  it('withPayment refuses to run inside an open transaction (it could not roll back alone)', async () => {
    await expect(ctx.transaction((trx) => payments().withPayment(trx, async () => 1))).rejects.toThrow(
      /outside ctx.transaction/,
    );
  });
});

describe('refunds', () => {
  it('refunds a mixed payment in full to where it came from; a repeat changes nothing', async () => {
    const payer = await aPayer(3000);
    const visa = await methodOf(payer, 'test_visa');
    const { paymentId } = await collect(request(payer, { amount: 10_000, prepaidAmount: 3000, paymentMethodId: visa }));
    const refund = jest.spyOn(server.app.services.gateway, 'refund');
    await ctx.transaction((trx) => payments().refund(trx, paymentId));
    await ctx.transaction((trx) => payments().refund(trx, paymentId));
    expect(refund).toHaveBeenCalledTimes(1);
    expect(refund.mock.calls[0][0]).toMatchObject({ amount: 7000 });
    expect(await refund.mock.results[0].value).toMatchObject({ status: 'SUCCEEDED' });
    const { balance, entries } = await ledgerState(payer.orgId);
    expect(balance).toBe(3000);
    expect(entries.at(-1)).toMatchObject({ kind: 'REFUND', amount: 3000, paymentId });
    expect(await server.dataSource.getRepository(PaymentEntity).findOneBy({ id: paymentId })).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: 10_000,
    });
  });

  it('partial refunds go to the method first, then to the prepaid balance, never beyond the payment', async () => {
    const payer = await aPayer(3000);
    const visa = await methodOf(payer, 'test_visa');
    const { paymentId } = await collect(request(payer, { amount: 10_000, prepaidAmount: 3000, paymentMethodId: visa }));
    const refund = jest.spyOn(server.app.services.gateway, 'refund');
    await payments().refund(ctx, paymentId, 5000);
    await payments().refund(ctx, paymentId, 4000);
    expect(refund.mock.calls.map((c) => c[0].amount)).toEqual([5000, 2000]);
    expect((await ledgerState(payer.orgId)).balance).toBe(2000);
    expect(await server.dataSource.getRepository(PaymentEntity).findOneBy({ id: paymentId })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: 9000,
    });
    await expect(payments().refund(ctx, paymentId, 1001)).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT' });
    await payments().refund(ctx, paymentId);
    expect((await ledgerState(payer.orgId)).balance).toBe(3000);
    expect(await server.dataSource.getRepository(PaymentEntity).findOneBy({ id: paymentId })).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: 10_000,
    });
  });
});

describe('pending bank transfers (R15)', () => {
  it('a pending transfer settles once on reconcile and tells every onSettled listener once', async () => {
    const payer = await aPayer(1000);
    const iban = await methodOf(payer, 'test_iban', 'IBAN_TRANSFER');
    const outcome = await collect(request(payer, { amount: 5000, prepaidAmount: 1000, paymentMethodId: iban }));
    expect(outcome).toMatchObject({
      status: 'PENDING',
      methodKind: 'IBAN_TRANSFER',
      prepaidAmount: 1000,
      methodAmount: 4000,
    });
    expect((await ledgerState(payer.orgId)).balance).toBe(0);
    expect(settled).not.toContain(outcome.paymentId);

    expect((await payments().reconcile(ctx, outcome.paymentId)).changed).toBe(true);
    expect((await payments().reconcile(ctx, outcome.paymentId)).changed).toBe(false);
    expect(settled.filter((id) => id === outcome.paymentId)).toHaveLength(1);
    expect(await server.dataSource.getRepository(PaymentEntity).findOneBy({ id: outcome.paymentId })).toMatchObject({
      status: 'SUCCEEDED',
      settledAt: expect.any(Date),
    });
    await payments().refund(ctx, outcome.paymentId);
    expect((await ledgerState(payer.orgId)).balance).toBe(1000);
  });

  it('a pending transfer cancelled by a full refund returns the prepaid part and cannot be reconciled', async () => {
    const payer = await aPayer(1000);
    const iban = await methodOf(payer, 'test_iban', 'IBAN_TRANSFER');
    const { paymentId } = await collect(request(payer, { amount: 5000, prepaidAmount: 1000, paymentMethodId: iban }));
    await expect(payments().refund(ctx, paymentId, 100)).rejects.toMatchObject({ code: 'PAYMENT_NOT_REFUNDABLE' });
    await payments().refund(ctx, paymentId);
    expect((await ledgerState(payer.orgId)).balance).toBe(1000);
    await expect(payments().reconcile(ctx, paymentId)).rejects.toMatchObject({ code: 'PAYMENT_NOT_PENDING' });
    expect(settled).not.toContain(paymentId);
  });

  it('only platform admins (or the CLI) reconcile', async () => {
    const payer = await aPayer();
    const iban = await methodOf(payer, 'test_iban', 'IBAN_TRANSFER');
    const { paymentId } = await collect(request(payer, { prepaidAmount: 0, paymentMethodId: iban }));
    const user = await server.app.services.auth.authenticate(ctx, `Bearer ${payer.org.token}`);
    await expect(payments().reconcile(ctx.withViewer(user), paymentId)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect((await server.dataSource.getRepository(PaymentEntity).findOneBy({ id: paymentId }))?.status).toBe('PENDING');
  });
});

describe('postLedgerEntry', () => {
  it('never takes the balance below zero and checks the sign of each kind', async () => {
    const payer = await aPayer(500);
    await expect(
      payments().postLedgerEntry(ctx, payer.orgId, LedgerEntryKind.ADJUSTMENT, -501, 'too much'),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_PREPAID_BALANCE' });
    await expect(
      payments().postLedgerEntry(ctx, payer.orgId, LedgerEntryKind.PAYMENT, 100, 'wrong sign'),
    ).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    await expect(
      payments().postLedgerEntry(ctx, payer.orgId, LedgerEntryKind.CASHBACK, 0, 'nothing'),
    ).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    await payments().postLedgerEntry(ctx, payer.orgId, LedgerEntryKind.ADJUSTMENT, -500, 'to zero');
    const { balance, sum, entries } = await ledgerState(payer.orgId);
    expect([balance, sum, entries.length]).toEqual([0, 0, 2]);
  });
});
