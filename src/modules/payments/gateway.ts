/**
 * The payment gateway seam (DESIGN section 10) and the embedded test gateway whose tokens
 * behave like a card processor's test cards.
 */
import { randomBytes } from 'node:crypto';
import type { Currency } from '../../calc/money';

export type PaymentMethodKind = 'CARD' | 'POSTFINANCE_CARD' | 'IBAN_TRANSFER' | 'PAYPAL' | 'TWINT' | 'PREPAID';
export type CardBrand = 'VISA' | 'MASTERCARD' | 'CB';

/** What the platform stores about a payment method; never a card number. */
export interface TokenizedMethod {
  kind: PaymentMethodKind;
  brand: CardBrand | null;
  last4: string | null;
  /** Last valid day, YYYY-MM-DD; null for methods that do not expire. */
  expiresOn: string | null;
  /** Opaque reference to pass to `charge`. */
  gatewayRef: string;
  /** Cards and Twint (R9). */
  supportsAutoRenewal: boolean;
}

export type ChargeResult =
  | { status: 'SUCCEEDED'; transactionId: string }
  | { status: 'PENDING'; transactionId: string }
  | { status: 'FAILED'; transactionId: string; reason: string };

export interface ChargeRequest {
  gatewayRef: string;
  /** Minor units, positive. */
  amount: number;
  currency: Currency;
  /** The same key never charges twice: a repeat returns the first result. */
  idempotencyKey: string;
  /** True for a merchant-initiated charge without the customer present (auto-renewal). */
  recurring: boolean;
}

export interface RefundRequest {
  transactionId: string;
  /** Minor units, positive, at most what is left to refund on the transaction. */
  amount: number;
  currency: Currency;
  idempotencyKey: string;
}

export interface RefundResult {
  status: 'SUCCEEDED' | 'FAILED';
  refundId: string;
}

export interface PaymentGateway {
  /**
   * Turns a token from the payment form into a stored method.
   * @throws GatewayError UNKNOWN_TOKEN, KIND_MISMATCH or CURRENCY_NOT_SUPPORTED
   */
  tokenize(kind: PaymentMethodKind, gatewayToken: string, currency: Currency): Promise<TokenizedMethod>;
  /** @throws GatewayError UNKNOWN_METHOD, INVALID_AMOUNT or IDEMPOTENCY_KEY_REUSED */
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** @throws GatewayError INVALID_AMOUNT or IDEMPOTENCY_KEY_REUSED */
  refund(req: RefundRequest): Promise<RefundResult>;
}

/** A gateway refusal; `code` is stable (see the PaymentGateway methods). */
export class GatewayError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

type ChargeBehaviour = 'SUCCEED' | 'PENDING' | 'DECLINE' | 'FAIL_RECURRING';

interface TestToken {
  kind: PaymentMethodKind;
  brand: CardBrand | null;
  last4: string | null;
  /** Cards carry an expiry date; wallets and bank transfers do not. */
  expires: boolean;
  onlyCurrency: Currency | null;
  behaviour: ChargeBehaviour;
}

function card(brand: CardBrand, last4: string, behaviour: ChargeBehaviour = 'SUCCEED'): TestToken {
  return { kind: 'CARD', brand, last4, expires: true, onlyCurrency: null, behaviour };
}

function wallet(kind: PaymentMethodKind, behaviour: ChargeBehaviour = 'SUCCEED'): TestToken {
  return { kind, brand: null, last4: null, expires: false, onlyCurrency: null, behaviour };
}

const TEST_TOKENS: Readonly<Record<string, TestToken>> = {
  test_visa: card('VISA', '4242'),
  test_mastercard: card('MASTERCARD', '4444'),
  test_cb: card('CB', '1001'),
  test_declined: card('VISA', '0002', 'DECLINE'),
  test_fails_later: card('MASTERCARD', '9995', 'FAIL_RECURRING'),
  test_postfinance: {
    kind: 'POSTFINANCE_CARD',
    brand: null,
    last4: '0005',
    expires: true,
    onlyCurrency: 'CHF',
    behaviour: 'SUCCEED',
  },
  test_twint: wallet('TWINT'),
  test_paypal: wallet('PAYPAL'),
  test_iban: wallet('IBAN_TRANSFER', 'PENDING'),
};

/** How long test cards stay valid after tokenization, in years. */
const CARD_VALIDITY_YEARS = 4;

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Last day of the month `years` after `now`, as YYYY-MM-DD: cards expire at a month's end. */
function cardExpiry(now: Date, years: number): string {
  return new Date(Date.UTC(now.getUTCFullYear() + years, now.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}

function assertPositiveMinor(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new GatewayError('INVALID_AMOUNT', `amount must be a positive integer of minor units, got ${amount}`);
  }
}

interface Transaction {
  currency: Currency;
  amount: number;
  refunded: number;
  result: ChargeResult;
}

interface Remembered<T> {
  fingerprint: string;
  result: T;
}

/**
 * The embedded gateway: tokens `test_visa`, `test_mastercard`, `test_cb`, `test_postfinance`
 * (CHF only), `test_twint`, `test_paypal`, `test_iban` (charges stay PENDING until
 * `reconcile`), `test_declined` (every charge fails `card_declined`) and `test_fails_later`
 * (customer-present charges succeed, recurring ones fail `insufficient_funds`).
 * State lives in memory, per instance.
 */
export class TestGateway implements PaymentGateway {
  private readonly transactions = new Map<string, Transaction>();
  private readonly charges = new Map<string, Remembered<ChargeResult>>();
  private readonly refunds = new Map<string, Remembered<RefundResult>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async tokenize(kind: PaymentMethodKind, gatewayToken: string, currency: Currency): Promise<TokenizedMethod> {
    const token = Object.hasOwn(TEST_TOKENS, gatewayToken) ? TEST_TOKENS[gatewayToken] : undefined;
    if (!token) {
      throw new GatewayError('UNKNOWN_TOKEN', `unknown payment token "${gatewayToken}"`);
    }
    if (token.kind !== kind) {
      throw new GatewayError('KIND_MISMATCH', `token "${gatewayToken}" is a ${token.kind}, not a ${kind}`);
    }
    if (token.onlyCurrency && token.onlyCurrency !== currency) {
      throw new GatewayError('CURRENCY_NOT_SUPPORTED', `${token.kind} accepts ${token.onlyCurrency} only`);
    }
    return {
      kind: token.kind,
      brand: token.brand,
      last4: token.last4,
      expiresOn: token.expires ? cardExpiry(this.now(), CARD_VALIDITY_YEARS) : null,
      gatewayRef: `tg_${gatewayToken}_${randomHex(8)}`,
      // R9: Visa, Mastercard and CB cards and Twint; not PostFinance, PayPal or bank transfer.
      supportsAutoRenewal: token.kind === 'CARD' || token.kind === 'TWINT',
    };
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    assertPositiveMinor(req.amount);
    const token = tokenOfRef(req.gatewayRef);
    const fingerprint = JSON.stringify([req.gatewayRef, req.amount, req.currency, req.recurring]);
    const previous = remembered(this.charges, req.idempotencyKey, fingerprint);
    if (previous) {
      return this.transactions.get(previous.transactionId)?.result ?? previous;
    }
    const transactionId = `tx_${randomHex(12)}`;
    const result = decideCharge(token, req, transactionId);
    this.transactions.set(transactionId, { currency: req.currency, amount: req.amount, refunded: 0, result });
    this.charges.set(req.idempotencyKey, { fingerprint, result });
    return result;
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    assertPositiveMinor(req.amount);
    const fingerprint = JSON.stringify([req.transactionId, req.amount, req.currency]);
    const previous = remembered(this.refunds, req.idempotencyKey, fingerprint);
    if (previous) return previous;
    const tx = this.transactions.get(req.transactionId);
    const refundable =
      tx?.result.status === 'SUCCEEDED' && tx.currency === req.currency && tx.refunded + req.amount <= tx.amount;
    if (refundable) tx.refunded += req.amount;
    const result: RefundResult = { status: refundable ? 'SUCCEEDED' : 'FAILED', refundId: `rf_${randomHex(12)}` };
    this.refunds.set(req.idempotencyKey, { fingerprint, result });
    return result;
  }

  /**
   * Test hook, not part of PaymentGateway: the bank transfer of a PENDING charge arrived.
   * Later repeats of the charge's idempotency key then answer SUCCEEDED.
   * @throws GatewayError UNKNOWN_TRANSACTION, NOT_PENDING
   */
  reconcile(transactionId: string): ChargeResult {
    const tx = this.transactions.get(transactionId);
    if (!tx) throw new GatewayError('UNKNOWN_TRANSACTION', `no transaction ${transactionId}`);
    if (tx.result.status !== 'PENDING') {
      throw new GatewayError('NOT_PENDING', `${transactionId} is ${tx.result.status}`);
    }
    tx.result = { status: 'SUCCEEDED', transactionId };
    return tx.result;
  }
}

function tokenOfRef(gatewayRef: string): TestToken {
  const match = /^tg_(test_[a-z_]+)_[0-9a-f]+$/.exec(gatewayRef);
  const token = match && Object.hasOwn(TEST_TOKENS, match[1]) ? TEST_TOKENS[match[1]] : undefined;
  if (!token) throw new GatewayError('UNKNOWN_METHOD', `unknown payment method reference "${gatewayRef}"`);
  return token;
}

/** The first result for this key, or undefined; the same key with another request is a caller bug. */
function remembered<T>(store: Map<string, Remembered<T>>, key: string, fingerprint: string): T | undefined {
  const previous = store.get(key);
  if (previous && previous.fingerprint !== fingerprint) {
    throw new GatewayError('IDEMPOTENCY_KEY_REUSED', `idempotency key "${key}" was used for another request`);
  }
  return previous?.result;
}

function decideCharge(token: TestToken, req: ChargeRequest, transactionId: string): ChargeResult {
  if (token.onlyCurrency && token.onlyCurrency !== req.currency) {
    return { status: 'FAILED', transactionId, reason: 'currency_not_supported' };
  }
  switch (token.behaviour) {
    case 'PENDING':
      return { status: 'PENDING', transactionId };
    case 'DECLINE':
      return { status: 'FAILED', transactionId, reason: 'card_declined' };
    case 'FAIL_RECURRING':
      return req.recurring
        ? { status: 'FAILED', transactionId, reason: 'insufficient_funds' }
        : { status: 'SUCCEEDED', transactionId };
    case 'SUCCEED':
      return { status: 'SUCCEEDED', transactionId };
  }
}
