import { BusinessError } from '../../graphql/errors';
import type { PaymentEntity } from './payment.entity';

/** Stable userError codes of payments, payment methods and the prepaid account. */
export enum PaymentErrorCode {
  PAYMENT_DECLINED = 'PAYMENT_DECLINED',
  INSUFFICIENT_PREPAID_BALANCE = 'INSUFFICIENT_PREPAID_BALANCE',
  PAYMENT_METHOD_NOT_FOUND = 'PAYMENT_METHOD_NOT_FOUND',
  PAYMENT_METHOD_REQUIRED = 'PAYMENT_METHOD_REQUIRED',
  PAYMENT_METHOD_EXPIRED = 'PAYMENT_METHOD_EXPIRED',
  TOO_MANY_PAYMENT_METHODS = 'TOO_MANY_PAYMENT_METHODS',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  CURRENCY_NOT_SUPPORTED = 'CURRENCY_NOT_SUPPORTED',
  PREPAID_LIMIT = 'PREPAID_LIMIT',
  UNKNOWN_TOKEN = 'UNKNOWN_TOKEN',
  KIND_MISMATCH = 'KIND_MISMATCH',
  PAYMENT_NOT_FOUND = 'PAYMENT_NOT_FOUND',
  PAYMENT_NOT_PENDING = 'PAYMENT_NOT_PENDING',
  PAYMENT_NOT_REFUNDABLE = 'PAYMENT_NOT_REFUNDABLE',
  REFUND_EXCEEDS_PAYMENT = 'REFUND_EXCEEDS_PAYMENT',
  REFUND_FAILED = 'REFUND_FAILED',
}

/** The attempt a declined charge would have been, recorded as FAILED once its transaction rolled back. */
export type FailedAttempt = Omit<PaymentEntity, 'id' | 'organization' | 'settledAt'>;

/** The gateway refused the charge (or a replay of a refused one). `attempt` is what withPayment records. */
export class PaymentDeclinedError extends BusinessError {
  constructor(
    readonly attempt: FailedAttempt,
    field?: string[],
  ) {
    super(
      PaymentErrorCode.PAYMENT_DECLINED,
      `The payment was declined (${attempt.failureReason ?? 'declined'}); nothing was charged.`,
      field,
    );
  }
}
