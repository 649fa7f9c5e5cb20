import { LedgerEntryEntity } from '../../src/modules/prepaid/ledger-entry.entity';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import { aMember, anOrganization, aPlatformAdmin, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let admin: SignedUp;
beforeAll(async () => {
  server = await startTestServer();
  admin = await aPlatformAdmin(server);
});
afterAll(() => server.stop());
afterEach(() => jest.restoreAllMocks());

const ADD = `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id } userErrors { code } } }`;
const TOP_UP = `mutation($input: TopUpPrepaidAccountInput!) {
  topUpPrepaidAccount(input: $input) {
    prepaidAccount { balance { amount currency } }
    payment { id status amount { amount currency } createdAt settledAt }
    userErrors { code field message }
  }
}`;
const ACCOUNT = `query($id: ID!, $first: Int, $after: String) { organization(id: $id) { prepaidAccount {
  balance { amount currency }
  entries(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind amount { amount currency } balanceAfter { amount } reference createdAt } } }
} } }`;
const RECONCILE = `mutation($input: ReconcileBankTransferInput!) { reconcileBankTransfer(input: $input) { payment { id status settledAt } changed userErrors { code field } } }`;

const localId = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
const paymentsOf = (org: SignedUp) =>
  server.dataSource
    .getRepository(PaymentEntity)
    .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } });
const ledgerOf = (org: SignedUp) =>
  server.dataSource
    .getRepository(LedgerEntryEntity)
    .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } });
const chargeSpy = () => jest.spyOn(server.app.services.gateway, 'charge');

let keySeq = 0;
const newKey = () => `key-${process.pid}-${++keySeq}`;

async function methodOf(org: SignedUp, gatewayToken: string, kind = 'CARD'): Promise<string> {
  const { addPaymentMethod } = ok(
    await server.gql(ADD, { input: { organizationId: org.organizationId, kind, gatewayToken } }, org.token),
  );
  expect(addPaymentMethod.userErrors).toEqual([]);
  return addPaymentMethod.paymentMethod.id;
}

function topUp(
  org: SignedUp,
  amount: string,
  paymentMethodId: string,
  idempotencyKey = newKey(),
  token = org.token,
  currency = 'CHF',
) {
  return server.gql(
    TOP_UP,
    { input: { organizationId: org.organizationId, amount: { amount, currency }, paymentMethodId, idempotencyKey } },
    token,
  );
}

async function balanceOf(org: SignedUp): Promise<string> {
  return ok(await server.gql(ACCOUNT, { id: org.organizationId }, org.token)).organization.prepaidAccount.balance
    .amount;
}

describe('topUpPrepaidAccount limits and methods (R16)', () => {
  it.each([
    ['0.09', 'PREPAID_LIMIT', '0.00'],
    ['0.10', null, '0.10'],
    ['9999.00', null, '9999.00'],
    ['9999.01', 'PREPAID_LIMIT', '0.00'],
  ])('a deposit of %s → %s', async (amount, code, balance) => {
    const org = await anOrganization(server);
    const visa = await methodOf(org, 'test_visa');
    const { topUpPrepaidAccount } = ok(await topUp(org, amount, visa));
    if (code) {
      expect(topUpPrepaidAccount).toMatchObject({
        prepaidAccount: null,
        payment: null,
        userErrors: [{ code, field: ['input', 'amount', 'amount'] }],
      });
      expect(topUpPrepaidAccount.userErrors[0].message).toMatch(/0\.10 to 9999\.00/);
      expect(await paymentsOf(org)).toEqual([]);
    } else {
      expect(topUpPrepaidAccount.userErrors).toEqual([]);
      expect(topUpPrepaidAccount.prepaidAccount.balance).toEqual({ amount: balance, currency: 'CHF' });
      expect(topUpPrepaidAccount.payment).toMatchObject({ status: 'SUCCEEDED', amount: { amount, currency: 'CHF' } });
    }
    expect(await balanceOf(org)).toBe(balance);
  });

  it('accepts a PostFinance card in CHF and an EUR card in EUR', async () => {
    const chf = await anOrganization(server);
    const { topUpPrepaidAccount } = ok(
      await topUp(chf, '25.50', await methodOf(chf, 'test_postfinance', 'POSTFINANCE_CARD')),
    );
    expect(topUpPrepaidAccount.prepaidAccount.balance).toEqual({ amount: '25.50', currency: 'CHF' });
    const eur = await anOrganization(server, { currency: 'EUR', country: 'FR' });
    const paid = ok(
      await topUp(eur, '10.00', await methodOf(eur, 'test_cb'), newKey(), eur.token, 'EUR'),
    ).topUpPrepaidAccount;
    expect(paid.prepaidAccount.balance).toEqual({ amount: '10.00', currency: 'EUR' });
  });

  it.each([
    ['test_twint', 'TWINT'],
    ['test_paypal', 'PAYPAL'],
  ])('refuses %s (%s) with METHOD_NOT_ALLOWED and charges nothing', async (token, kind) => {
    const org = await anOrganization(server);
    const method = await methodOf(org, token, kind);
    const charge = chargeSpy();
    const { topUpPrepaidAccount } = ok(await topUp(org, '50.00', method));
    expect(topUpPrepaidAccount.userErrors).toEqual([
      expect.objectContaining({ code: 'METHOD_NOT_ALLOWED', field: ['input', 'paymentMethodId'] }),
    ]);
    expect(charge).not.toHaveBeenCalled();
    expect(await paymentsOf(org)).toEqual([]);
    expect(await balanceOf(org)).toBe('0.00');
  });

  it('keeps a ledger: each top-up is an entry, oldest first, whose running balance is the balance', async () => {
    const org = await anOrganization(server);
    const visa = await methodOf(org, 'test_visa');
    for (const amount of ['10.00', '0.25', '100.00'])
      expect(ok(await topUp(org, amount, visa)).topUpPrepaidAccount.userErrors).toEqual([]);
    const first = ok(await server.gql(ACCOUNT, { id: org.organizationId, first: 2 }, org.token)).organization
      .prepaidAccount;
    expect(first.balance.amount).toBe('110.25');
    expect(first.entries.totalCount).toBe(3);
    expect(
      first.entries.edges.map((e: any) => [
        e.node.kind,
        e.node.amount.amount,
        e.node.balanceAfter.amount,
        e.node.reference,
      ]),
    ).toEqual([
      ['TOP_UP', '10.00', '10.00', 'Prepaid top-up'],
      ['TOP_UP', '0.25', '10.25', 'Prepaid top-up'],
    ]);
    expect(first.entries.pageInfo.hasNextPage).toBe(true);
    const rest = ok(
      await server.gql(
        ACCOUNT,
        { id: org.organizationId, first: 2, after: first.entries.pageInfo.endCursor },
        org.token,
      ),
    ).organization.prepaidAccount;
    expect(rest.entries.edges.map((e: any) => e.node.balanceAfter.amount)).toEqual(['110.25']);
    expect(rest.entries.pageInfo.hasNextPage).toBe(false);
    const node = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on LedgerEntry { kind amount { amount } } } }`,
        { id: rest.entries.edges[0].node.id },
        org.token,
      ),
    ).node;
    expect(node).toEqual({ kind: 'TOP_UP', amount: { amount: '100.00' } });
  });
});

describe('declined cards and idempotency (R19)', () => {
  it('a declined card leaves the balance unchanged and records one failed attempt, also when resubmitted', async () => {
    const org = await anOrganization(server);
    ok(await topUp(org, '20.00', await methodOf(org, 'test_visa')));
    const declined = await methodOf(org, 'test_declined');
    const key = newKey();
    for (let i = 0; i < 2; i += 1) {
      const { topUpPrepaidAccount } = ok(await topUp(org, '50.00', declined, key));
      expect(topUpPrepaidAccount).toMatchObject({
        prepaidAccount: null,
        payment: null,
        userErrors: [{ code: 'PAYMENT_DECLINED', field: ['input', 'paymentMethodId'] }],
      });
    }
    expect(await balanceOf(org)).toBe('20.00');
    const failed = (await paymentsOf(org)).filter((p) => p.status === 'FAILED');
    expect(failed).toEqual([
      expect.objectContaining({
        idempotencyKey: key,
        amount: 5000,
        failureReason: 'card_declined',
        gatewayTransactionId: expect.stringMatching(/^tx_/),
      }),
    ]);
    expect((await ledgerOf(org)).map((e) => e.amount)).toEqual([2000]);
  });

  it('a double submit with one key charges once and returns the same payment', async () => {
    const org = await anOrganization(server);
    const visa = await methodOf(org, 'test_visa');
    const charge = chargeSpy();
    const key = newKey();
    const first = ok(await topUp(org, '40.00', visa, key)).topUpPrepaidAccount;
    const second = ok(await topUp(org, '40.00', visa, key)).topUpPrepaidAccount;
    expect(second.userErrors).toEqual([]);
    expect(second.payment).toEqual(first.payment);
    expect(second.prepaidAccount.balance.amount).toBe('40.00');
    expect(charge).toHaveBeenCalledTimes(1);
    expect(await paymentsOf(org)).toHaveLength(1);
    expect(await ledgerOf(org)).toHaveLength(1);
  });

  it('five concurrent submits with one key charge once and all answer the same payment', async () => {
    const org = await anOrganization(server);
    const visa = await methodOf(org, 'test_visa');
    const charge = chargeSpy();
    const key = newKey();
    const results = (await Promise.all(Array.from({ length: 5 }, () => topUp(org, '12.34', visa, key)))).map(
      (r) => ok(r).topUpPrepaidAccount,
    );
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    expect(new Set(results.map((r) => r.payment.id)).size).toBe(1);
    expect(charge).toHaveBeenCalledTimes(1);
    expect(await balanceOf(org)).toBe('12.34');
    expect(await ledgerOf(org)).toHaveLength(1);
  });

  it.each([
    ['another amount', { amount: '40.01' }],
    ['another method', { method: 'test_mastercard' }],
  ])(
    'the same key for %s is IDEMPOTENCY_KEY_REUSED and charges nothing',
    async (_label, change: { amount?: string; method?: string }) => {
      const org = await anOrganization(server);
      const visa = await methodOf(org, 'test_visa');
      const other = change.method ? await methodOf(org, change.method) : visa;
      const key = newKey();
      ok(await topUp(org, '40.00', visa, key));
      const charge = chargeSpy();
      const { topUpPrepaidAccount } = ok(await topUp(org, change.amount ?? '40.00', other, key));
      expect(topUpPrepaidAccount.userErrors).toEqual([
        expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }),
      ]);
      expect(charge).not.toHaveBeenCalled();
      expect(await balanceOf(org)).toBe('40.00');
      expect(await paymentsOf(org)).toHaveLength(1);
    },
  );

  it('keys are per organization: two organizations may use the same key', async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const key = newKey();
    ok(await topUp(a, '1.00', await methodOf(a, 'test_visa'), key));
    const { topUpPrepaidAccount } = ok(await topUp(b, '2.00', await methodOf(b, 'test_visa'), key));
    expect(topUpPrepaidAccount.prepaidAccount.balance.amount).toBe('2.00');
    expect(await balanceOf(a)).toBe('1.00');
  });
});

describe('IBAN top-ups wait for reconciliation (R15, R16)', () => {
  it('stays pending with no balance change until a platform admin reconciles it, once', async () => {
    const org = await anOrganization(server);
    const iban = await methodOf(org, 'test_iban', 'IBAN_TRANSFER');
    const key = newKey();
    const pending = ok(await topUp(org, '300.00', iban, key)).topUpPrepaidAccount;
    expect(pending.userErrors).toEqual([]);
    expect(pending.payment).toMatchObject({ status: 'PENDING', settledAt: null, amount: { amount: '300.00' } });
    expect(pending.prepaidAccount.balance.amount).toBe('0.00');
    expect(await ledgerOf(org)).toEqual([]);
    expect(ok(await topUp(org, '300.00', iban, key)).topUpPrepaidAccount.payment).toEqual(pending.payment);

    const byCustomer = await server.gql(RECONCILE, { input: { paymentId: pending.payment.id } }, org.token);
    expect(errorCode(byCustomer)).toBe('FORBIDDEN');
    expect(await balanceOf(org)).toBe('0.00');

    const reconciled = ok(
      await server.gql(RECONCILE, { input: { paymentId: pending.payment.id } }, admin.token),
    ).reconcileBankTransfer;
    expect(reconciled).toMatchObject({
      changed: true,
      userErrors: [],
      payment: { id: pending.payment.id, status: 'SUCCEEDED', settledAt: expect.any(String) },
    });
    expect(await balanceOf(org)).toBe('300.00');

    const again = ok(
      await server.gql(RECONCILE, { input: { paymentId: pending.payment.id } }, admin.token),
    ).reconcileBankTransfer;
    expect(again).toMatchObject({ changed: false, userErrors: [], payment: { status: 'SUCCEEDED' } });
    const replay = ok(await topUp(org, '300.00', iban, key)).topUpPrepaidAccount;
    expect(replay.payment).toMatchObject({ id: pending.payment.id, status: 'SUCCEEDED' });
    expect(await balanceOf(org)).toBe('300.00');
    expect((await ledgerOf(org)).map((e) => [e.kind, e.amount, e.balanceAfter])).toEqual([['TOP_UP', 30000, 30000]]);
  });

  it('refuses to reconcile a failed payment, an unknown one and a malformed id', async () => {
    const org = await anOrganization(server);
    ok(await topUp(org, '5.00', await methodOf(org, 'test_declined')));
    const [failed] = await paymentsOf(org);
    const failedId = Buffer.from(`Payment:${failed.id}`).toString('base64url');
    const cases: Array<[string, string]> = [
      [failedId, 'PAYMENT_NOT_PENDING'],
      [Buffer.from('Payment:999999').toString('base64url'), 'PAYMENT_NOT_FOUND'],
      [org.organizationId, 'INVALID_ID'],
    ];
    for (const [paymentId, code] of cases) {
      const result = ok(await server.gql(RECONCILE, { input: { paymentId } }, admin.token)).reconcileBankTransfer;
      expect(result).toMatchObject({ payment: null, userErrors: [{ code, field: ['input', 'paymentId'] }] });
    }
    expect((await paymentsOf(org)).map((p) => p.status)).toEqual(['FAILED']);
  });
});

describe('who may top up and see the prepaid account (section 8)', () => {
  it('a USER without billing rights gets FORBIDDEN for the account and the top-up; nothing is written', async () => {
    const org = await anOrganization(server);
    const visa = await methodOf(org, 'test_visa');
    const plain = await aMember(server, org, { role: 'USER', billingAccess: false });
    const read = await server.gql(ACCOUNT, { id: org.organizationId }, plain.token);
    expect(errorCode(read)).toBe('FORBIDDEN');
    expect(read.data?.organization?.prepaidAccount ?? null).toBeNull();
    const attempt = await topUp(org, '10.00', visa, newKey(), plain.token);
    expect(errorCode(attempt)).toBe('FORBIDDEN');
    expect(attempt.data?.topUpPrepaidAccount ?? null).toBeNull();
    expect(await paymentsOf(org)).toEqual([]);

    const billing = await aMember(server, org, { role: 'USER', billingAccess: true });
    expect(
      ok(await topUp(org, '10.00', visa, newKey(), billing.token)).topUpPrepaidAccount.prepaidAccount.balance.amount,
    ).toBe('10.00');
  });

  it("another tenant's organization is FORBIDDEN, its method PAYMENT_METHOD_NOT_FOUND like an unknown one; nothing is written", async () => {
    const victim = await anOrganization(server);
    const attacker = await anOrganization(server);
    const victimCard = await methodOf(victim, 'test_visa');
    const attackerCard = await methodOf(attacker, 'test_visa');
    const charge = chargeSpy();
    for (const response of [
      await topUp(victim, '10.00', attackerCard, newKey(), attacker.token),
      await topUp(victim, '10.00', victimCard, newKey(), attacker.token),
    ]) {
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(response.data?.topUpPrepaidAccount ?? null).toBeNull();
    }
    // Uniform not-found (issue 9): the victim's card answers like a card that exists nowhere.
    const foreignCard = await topUp(attacker, '10.00', victimCard, newKey(), attacker.token);
    const noCard = await topUp(
      attacker,
      '10.00',
      Buffer.from('PaymentMethod:987654').toString('base64url'),
      newKey(),
      attacker.token,
    );
    expect(ok(foreignCard).topUpPrepaidAccount.userErrors).toEqual(ok(noCard).topUpPrepaidAccount.userErrors);
    expect(ok(foreignCard).topUpPrepaidAccount.userErrors[0].code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect(charge).not.toHaveBeenCalled();
    expect([...(await paymentsOf(victim)), ...(await paymentsOf(attacker))]).toEqual([]);
    expect(ok(await server.gql(ACCOUNT, { id: victim.organizationId }, attacker.token)).organization).toBeNull();
  });

  it('a method of another organization of the same payer is PAYMENT_METHOD_NOT_FOUND', async () => {
    const org = await anOrganization(server);
    const member = await aMember(server, org, { role: 'ADMINISTRATOR', billingAccess: true });
    const ownOrgId = ok(
      await server.gql(`{ viewer { memberships { edges { node { role organization { id } } } } } }`, {}, member.token),
    )
      .viewer.memberships.edges.map((e: any) => e.node)
      .find((m: any) => m.role === 'LEGAL_REPRESENTATIVE').organization.id;
    const ownCard = await methodOf({ ...member, organizationId: ownOrgId }, 'test_visa');
    const { topUpPrepaidAccount } = ok(await topUp(org, '10.00', ownCard, newKey(), member.token));
    expect(topUpPrepaidAccount.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_METHOD_NOT_FOUND', field: ['input', 'paymentMethodId'] }),
    ]);
    expect(await paymentsOf(org)).toEqual([]);
  });

  it('a payment is visible by node(id) to billing members only', async () => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const { payment } = ok(await topUp(org, '10.00', await methodOf(org, 'test_visa'))).topUpPrepaidAccount;
    const query = `query($id: ID!) { node(id: $id) { ... on Payment { status amount { amount } } } }`;
    expect(ok(await server.gql(query, { id: payment.id }, org.token)).node).toEqual({
      status: 'SUCCEEDED',
      amount: { amount: '10.00' },
    });
    expect(ok(await server.gql(query, { id: payment.id }, other.token)).node).toBeNull();
  });
});

describe('bad input is refused clearly and writes nothing', () => {
  let org: SignedUp;
  let visa: string;
  beforeAll(async () => {
    org = await anOrganization(server);
    visa = await methodOf(org, 'test_visa');
  });

  it.each([
    ['more than two decimals', { amount: '1.234' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    ['a negative amount', { amount: '-5.00' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    ['zero', { amount: '0' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    ['another currency', { currency: 'EUR' }, 'CURRENCY_NOT_SUPPORTED', ['input', 'amount', 'currency']],
    ['an empty idempotency key', { key: '' }, 'INVALID_INPUT', ['input', 'idempotencyKey']],
    ['a blank idempotency key', { key: '   ' }, 'INVALID_INPUT', ['input', 'idempotencyKey']],
    ['an overlong idempotency key', { key: 'k'.repeat(101) }, 'INVALID_INPUT', ['input', 'idempotencyKey']],
    ['a malformed method id', { method: 'not-an-id' }, 'INVALID_ID', ['input', 'paymentMethodId']],
    [
      'an unknown method',
      { method: Buffer.from('PaymentMethod:999999').toString('base64url') },
      'PAYMENT_METHOD_NOT_FOUND',
      ['input', 'paymentMethodId'],
    ],
  ])(
    '%s → %s',
    async (_label, change: { amount?: string; currency?: string; key?: string; method?: string }, code, field) => {
      const charge = chargeSpy();
      const { topUpPrepaidAccount } = ok(
        await topUp(
          org,
          change.amount ?? '10.00',
          change.method ?? visa,
          change.key ?? newKey(),
          org.token,
          change.currency ?? 'CHF',
        ),
      );
      expect(topUpPrepaidAccount).toMatchObject({ prepaidAccount: null, payment: null, userErrors: [{ code, field }] });
      expect(charge).not.toHaveBeenCalled();
      expect(await paymentsOf(org)).toEqual([]);
    },
  );

  it('a non-decimal amount is a GraphQL input error (400), not a 500', async () => {
    const response = await topUp(org, 'abc', visa);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(await paymentsOf(org)).toEqual([]);
    expect(await balanceOf(org)).toBe('0.00');
  });

  it('a key of exactly 100 characters is fine', async () => {
    const { topUpPrepaidAccount } = ok(await topUp(org, '0.10', visa, 'k'.repeat(100)));
    expect(topUpPrepaidAccount.userErrors).toEqual([]);
    expect(await balanceOf(org)).toBe('0.10');
  });
});
