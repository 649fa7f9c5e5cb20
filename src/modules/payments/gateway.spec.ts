import { ChargeRequest, GatewayError, PaymentMethodKind, TestGateway, TokenizedMethod } from './gateway';

const NOW = new Date('2026-03-15T12:00:00Z');
const gateway = () => new TestGateway(() => NOW);

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

let keySeq = 0;
const charge = (gatewayRef: string, over: Partial<ChargeRequest> = {}): ChargeRequest => ({
  gatewayRef,
  amount: 1990,
  currency: 'CHF',
  idempotencyKey: `key-${++keySeq}`,
  recurring: false,
  ...over,
});

describe('TestGateway.tokenize', () => {
  it.each<[string, PaymentMethodKind, Omit<TokenizedMethod, 'gatewayRef'>]>([
    [
      'test_visa',
      'CARD',
      { kind: 'CARD', brand: 'VISA', last4: '4242', expiresOn: '2030-03-31', supportsAutoRenewal: true },
    ],
    [
      'test_mastercard',
      'CARD',
      { kind: 'CARD', brand: 'MASTERCARD', last4: '4444', expiresOn: '2030-03-31', supportsAutoRenewal: true },
    ],
    [
      'test_cb',
      'CARD',
      { kind: 'CARD', brand: 'CB', last4: '1001', expiresOn: '2030-03-31', supportsAutoRenewal: true },
    ],
    [
      'test_declined',
      'CARD',
      { kind: 'CARD', brand: 'VISA', last4: '0002', expiresOn: '2030-03-31', supportsAutoRenewal: true },
    ],
    [
      'test_fails_later',
      'CARD',
      { kind: 'CARD', brand: 'MASTERCARD', last4: '9995', expiresOn: '2030-03-31', supportsAutoRenewal: true },
    ],
    [
      'test_postfinance',
      'POSTFINANCE_CARD',
      { kind: 'POSTFINANCE_CARD', brand: null, last4: '0005', expiresOn: '2030-03-31', supportsAutoRenewal: false },
    ],
    ['test_twint', 'TWINT', { kind: 'TWINT', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: true }],
    [
      'test_paypal',
      'PAYPAL',
      { kind: 'PAYPAL', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: false },
    ],
    [
      'test_iban',
      'IBAN_TRANSFER',
      { kind: 'IBAN_TRANSFER', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: false },
    ],
  ])('%s as %s', async (token, kind, expected) => {
    const method = await gateway().tokenize(kind, token, 'CHF');
    const { gatewayRef, ...rest } = method;
    expect(rest).toEqual(expected);
    expect(gatewayRef).toMatch(new RegExp(`^tg_${token}_[0-9a-f]+$`));
  });

  it('gives a fresh reference per tokenization', async () => {
    const g = gateway();
    const a = await g.tokenize('CARD', 'test_visa', 'CHF');
    const b = await g.tokenize('CARD', 'test_visa', 'CHF');
    expect(a.gatewayRef).not.toBe(b.gatewayRef);
  });

  it('expires cards at the end of the month four years ahead, leap years included', async () => {
    const g = new TestGateway(() => new Date('2024-02-10T00:00:00Z'));
    expect((await g.tokenize('CARD', 'test_visa', 'EUR')).expiresOn).toBe('2028-02-29');
  });

  it.each<[string, PaymentMethodKind, 'CHF' | 'EUR', string]>([
    ['test_unknown', 'CARD', 'CHF', 'UNKNOWN_TOKEN'],
    ['', 'CARD', 'CHF', 'UNKNOWN_TOKEN'],
    ['constructor', 'CARD', 'CHF', 'UNKNOWN_TOKEN'],
    ['test_visa', 'TWINT', 'CHF', 'KIND_MISMATCH'],
    ['test_twint', 'CARD', 'CHF', 'KIND_MISMATCH'],
    ['test_postfinance', 'CARD', 'CHF', 'KIND_MISMATCH'],
    ['test_visa', 'PREPAID', 'CHF', 'KIND_MISMATCH'],
    ['test_postfinance', 'POSTFINANCE_CARD', 'EUR', 'CURRENCY_NOT_SUPPORTED'],
  ])('refuses %p as %s in %s with %s', async (token, kind, currency, code) => {
    expect((await gatewayError(gateway().tokenize(kind, token, currency))).code).toBe(code);
  });
});

describe('TestGateway.charge', () => {
  async function refOf(g: TestGateway, token: string, kind: PaymentMethodKind = 'CARD'): Promise<string> {
    return (await g.tokenize(kind, token, 'CHF')).gatewayRef;
  }

  it.each<[string, PaymentMethodKind, boolean, string, string | undefined]>([
    ['test_visa', 'CARD', false, 'SUCCEEDED', undefined],
    ['test_visa', 'CARD', true, 'SUCCEEDED', undefined],
    ['test_mastercard', 'CARD', true, 'SUCCEEDED', undefined],
    ['test_cb', 'CARD', true, 'SUCCEEDED', undefined],
    ['test_postfinance', 'POSTFINANCE_CARD', false, 'SUCCEEDED', undefined],
    ['test_twint', 'TWINT', true, 'SUCCEEDED', undefined],
    ['test_paypal', 'PAYPAL', false, 'SUCCEEDED', undefined],
    ['test_iban', 'IBAN_TRANSFER', false, 'PENDING', undefined],
    ['test_declined', 'CARD', false, 'FAILED', 'card_declined'],
    ['test_declined', 'CARD', true, 'FAILED', 'card_declined'],
    ['test_fails_later', 'CARD', false, 'SUCCEEDED', undefined],
    ['test_fails_later', 'CARD', true, 'FAILED', 'insufficient_funds'],
  ])('%s (%s), recurring %p → %s %s', async (token, kind, recurring, status, reason) => {
    const g = gateway();
    const result = await g.charge(charge(await refOf(g, token, kind), { recurring }));
    expect(result.status).toBe(status);
    expect(result.transactionId).toMatch(/^tx_[0-9a-f]{24}$/);
    expect(result.status === 'FAILED' ? result.reason : undefined).toBe(reason);
  });

  it('test_fails_later: stored fine, first payment succeeds, every renewal fails', async () => {
    const g = gateway();
    const ref = await refOf(g, 'test_fails_later');
    expect((await g.charge(charge(ref))).status).toBe('SUCCEEDED');
    expect((await g.charge(charge(ref, { recurring: true }))).status).toBe('FAILED');
    expect((await g.charge(charge(ref, { recurring: true }))).status).toBe('FAILED');
  });

  it('fails a PostFinance charge in EUR', async () => {
    const g = gateway();
    const result = await g.charge(charge(await refOf(g, 'test_postfinance', 'POSTFINANCE_CARD'), { currency: 'EUR' }));
    expect(result).toMatchObject({ status: 'FAILED', reason: 'currency_not_supported' });
  });

  it('never charges twice for one idempotency key', async () => {
    const g = gateway();
    const req = charge(await refOf(g, 'test_visa'));
    const first = await g.charge(req);
    const second = await g.charge({ ...req });
    expect(second).toEqual(first);
    const other = await g.charge(charge(req.gatewayRef));
    expect(other.transactionId).not.toBe(first.transactionId);
  });

  it('replays a failure too, rather than retrying it', async () => {
    const g = gateway();
    const req = charge(await refOf(g, 'test_declined'));
    expect(await g.charge(req)).toEqual(await g.charge(req));
  });

  it('refuses to reuse a key for a different request', async () => {
    const g = gateway();
    const req = charge(await refOf(g, 'test_visa'));
    await g.charge(req);
    expect((await gatewayError(g.charge({ ...req, amount: req.amount + 1 }))).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps an IBAN charge pending until reconciled, then reports it paid', async () => {
    const g = gateway();
    const req = charge(await refOf(g, 'test_iban', 'IBAN_TRANSFER'));
    const pending = await g.charge(req);
    expect(pending.status).toBe('PENDING');
    expect(await g.charge(req)).toEqual(pending);
    expect(g.reconcile(pending.transactionId)).toEqual({ status: 'SUCCEEDED', transactionId: pending.transactionId });
    expect(await g.charge(req)).toEqual({ status: 'SUCCEEDED', transactionId: pending.transactionId });
    expect(() => g.reconcile(pending.transactionId)).toThrow(expect.objectContaining({ code: 'NOT_PENDING' }));
    expect(() => g.reconcile('tx_nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_TRANSACTION' }));
  });

  it.each([[0], [-100], [19.9], [NaN]])('refuses amount %p', async (amount) => {
    const g = gateway();
    const ref = await refOf(g, 'test_visa');
    expect((await gatewayError(g.charge(charge(ref, { amount })))).code).toBe('INVALID_AMOUNT');
  });

  it.each([['tg_test_nope_abcd'], ['garbage'], ['tg_test_visa_'], ['']])('refuses reference %p', async (ref) => {
    expect((await gatewayError(gateway().charge(charge(ref)))).code).toBe('UNKNOWN_METHOD');
  });
});

describe('TestGateway.refund', () => {
  async function paid(g: TestGateway, token = 'test_visa', kind: PaymentMethodKind = 'CARD') {
    const ref = (await g.tokenize(kind, token, 'CHF')).gatewayRef;
    return g.charge(charge(ref, { amount: 1000 }));
  }
  const refund = (transactionId: string, amount: number, idempotencyKey = `rk-${++keySeq}`) => ({
    transactionId,
    amount,
    currency: 'CHF' as const,
    idempotencyKey,
  });

  it('refunds in parts up to the charged amount, never beyond', async () => {
    const g = gateway();
    const { transactionId } = await paid(g);
    const first = await g.refund(refund(transactionId, 600));
    expect(first.status).toBe('SUCCEEDED');
    expect(first.refundId).toMatch(/^rf_[0-9a-f]{24}$/);
    expect((await g.refund(refund(transactionId, 500))).status).toBe('FAILED');
    expect((await g.refund(refund(transactionId, 400))).status).toBe('SUCCEEDED');
    expect((await g.refund(refund(transactionId, 1))).status).toBe('FAILED');
  });

  it('replays a refund for the same key without refunding twice', async () => {
    const g = gateway();
    const { transactionId } = await paid(g);
    const req = refund(transactionId, 1000);
    const first = await g.refund(req);
    expect(await g.refund(req)).toEqual(first);
    expect(first.status).toBe('SUCCEEDED');
  });

  it.each<[string, string, PaymentMethodKind]>([
    ['a failed charge', 'test_declined', 'CARD'],
    ['a pending transfer', 'test_iban', 'IBAN_TRANSFER'],
  ])('fails for %s', async (_name, token, kind) => {
    const g = gateway();
    const { transactionId } = await paid(g, token, kind);
    expect((await g.refund(refund(transactionId, 100))).status).toBe('FAILED');
  });

  it('fails for an unknown transaction or another currency', async () => {
    const g = gateway();
    const { transactionId } = await paid(g);
    expect((await g.refund(refund('tx_unknown', 100))).status).toBe('FAILED');
    expect((await g.refund({ ...refund(transactionId, 100), currency: 'EUR' })).status).toBe('FAILED');
  });

  it('refuses a non-positive amount', async () => {
    expect((await gatewayError(gateway().refund(refund('tx_x', 0)))).code).toBe('INVALID_AMOUNT');
  });
});
