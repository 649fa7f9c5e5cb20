import { createHash } from 'node:crypto';
import { requireText } from '../../common/validate';
import { hasControlCharacters } from '../../common/validate';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import type { PaymentMethodKind } from './payment-method.entity';
import { PaymentCategory } from './payment.entity';
import { PaymentErrorCode } from './payment.errors';

/** Longest idempotency key accepted (R19). */
export const IDEMPOTENCY_KEY_MAX = 100;

/** One collection asked of PaymentService.collect. Amounts in minor units. */
export interface PaymentRequest {
  /** Whose prepaid account and stored methods pay. */
  organizationId: number;
  currency: 'CHF' | 'EUR';
  /** Total to collect, > 0. */
  amount: number;
  /** Taken from the prepaid balance first, 0..amount. */
  prepaidAmount: number;
  /** Stored method for amount - prepaidAmount (required when that is > 0). */
  paymentMethodId: number | null;
  /** 1..100 characters, unique per organization. */
  idempotencyKey: string;
  /** Canonical request description, e.g. "invoices:4,7|pm:3|prepaid:1000". */
  fingerprint: string;
  /** Human reference, e.g. "Invoice 2026-000123" (also the ledger entry's reference). */
  purpose: string;
  /** Renewal charges without the customer present. */
  recurring?: boolean;
  /** Where userErrors point for the payment part of the caller's input; default ["input", "payment"]. */
  fieldPath?: string[];
}

export interface PaymentOutcome {
  paymentId: number;
  /** PENDING: an IBAN transfer until reconciled. */
  status: 'SUCCEEDED' | 'PENDING';
  /** Same key and same request seen before: nothing was charged again, same paymentId. */
  replayed: boolean;
  prepaidAmount: number;
  methodAmount: number;
  /** Kind of the method used; null when the prepaid account paid everything. */
  methodKind: PaymentMethodKind | null;
  paymentMethodId: number | null;
}

/** An idempotency key as sent (not trimmed: keys are compared exactly), 1..100 visible characters. */
export function requireIdempotencyKey(key: string | null | undefined, field: string[]): string {
  const value = key ?? '';
  if (value.trim() === '')
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'idempotencyKey must not be empty.', field);
  if (value.length > IDEMPOTENCY_KEY_MAX)
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `idempotencyKey must be at most ${IDEMPOTENCY_KEY_MAX} characters.`,
      field,
    );
  if (hasControlCharacters(value))
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      'idempotencyKey must not contain control characters.',
      field,
    );
  return value;
}

/** Checks the request's shape; rules that need the database (balance, method, currency) come later. */
export function validatePaymentRequest(req: PaymentRequest): void {
  const at = (name: string) => [...(req.fieldPath ?? ['input', 'payment']), name];
  if (!Number.isSafeInteger(req.amount) || req.amount <= 0) {
    throw new BusinessError(
      PaymentErrorCode.INVALID_AMOUNT,
      'The amount to pay must be a positive number of minor units.',
      at('amount'),
    );
  }
  if (!Number.isSafeInteger(req.prepaidAmount) || req.prepaidAmount < 0 || req.prepaidAmount > req.amount) {
    throw new BusinessError(
      PaymentErrorCode.INVALID_AMOUNT,
      'prepaidAmount must be between 0 and the amount to pay.',
      at('prepaidAmount'),
    );
  }
  if (req.currency !== 'CHF' && req.currency !== 'EUR') {
    throw new BusinessError(
      PaymentErrorCode.CURRENCY_NOT_SUPPORTED,
      `Currency ${String(req.currency)} is not supported.`,
      at('currency'),
    );
  }
  requireIdempotencyKey(req.idempotencyKey, at('idempotencyKey'));
  requireText(req.fingerprint, at('fingerprint'), { max: 10_000 });
  requireText(req.purpose, at('purpose'), { max: 255 });
}

/** What "the same request" means for an idempotency key: everything that decides what is charged. */
export function fingerprintOf(req: PaymentRequest, category: PaymentCategory): string {
  const canonical = JSON.stringify([
    category,
    req.fingerprint,
    req.currency,
    req.amount,
    req.prepaidAmount,
    req.paymentMethodId,
    !!req.recurring,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
