import { RequestContext } from '../../context';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import type { PaymentGateway } from './gateway';
import { writeLock } from '../../db/transaction';
import { BusinessError } from '../../graphql/errors';
import { LedgerEntryKind } from '../prepaid/ledger-entry.entity';
import { PaymentCategory, PaymentEntity, PaymentStatus } from './payment.entity';
import { PaymentErrorCode } from './payment.errors';

const REFUNDABLE = new Set([PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.PENDING]);

/** A refund that says where each part goes back: to the method charged and to the prepaid account. Minor units. */
export interface RefundSplit {
  toMethod: number;
  toPrepaid: number;
}

/**
 * Refunds part of a payment inside the caller's transaction, each part to where it came from: the
 * method part through the gateway, the prepaid part as a REFUND ledger entry. `amount` is either a
 * split (e.g. one invoice's share of a payment that paid several) or a total (default: all that is
 * left), which is taken from the method part first. A pending transfer is cancelled in full only
 * (no money arrived: nothing goes through the gateway).
 */
export async function refundPayment(
  ctx: RequestContext,
  deps: { gateway: PaymentGateway; ledger: PrepaidLedgerService },
  paymentId: number,
  amount?: number | RefundSplit,
): Promise<void> {
  await ctx.transaction(async (ctx) => {
    const found = await ctx.em.findOneBy(PaymentEntity, { id: paymentId });
    if (!found) throw new BusinessError(PaymentErrorCode.PAYMENT_NOT_FOUND, `No payment ${paymentId}.`);
    await deps.ledger.lockAccount(ctx, found.organizationId);
    // Re-read under the lock with a locking read: a plain read could return the transaction's older snapshot (MySQL).
    const payment = await ctx.em.findOneOrFail(PaymentEntity, { where: { id: paymentId }, lock: writeLock(ctx.em) });
    const left = payment.amount - payment.refundedAmount;
    if (amount === undefined && left === 0) return;
    const split = typeof amount === 'object' ? amount : null;
    const wanted: number = split ? split.toMethod + split.toPrepaid : ((amount as number | undefined) ?? left);
    if (payment.category !== PaymentCategory.CHARGE || !REFUNDABLE.has(payment.status)) {
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_NOT_REFUNDABLE,
        `A ${payment.status.toLowerCase()} ${payment.category.toLowerCase()} cannot be refunded.`,
      );
    }
    if (!Number.isSafeInteger(wanted) || wanted <= 0)
      throw new BusinessError(PaymentErrorCode.INVALID_AMOUNT, 'A refund must be a positive number of minor units.');
    if (wanted > left)
      throw new BusinessError(
        PaymentErrorCode.REFUND_EXCEEDS_PAYMENT,
        `Only ${left} (minor units) of this payment is left to refund.`,
      );
    const pending = payment.status === PaymentStatus.PENDING;
    if (pending && wanted !== left)
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_NOT_REFUNDABLE,
        'A pending bank transfer can only be cancelled in full.',
      );

    const toMethod = split
      ? split.toMethod
      : Math.min(wanted, Math.max(0, payment.methodAmount - payment.refundedAmount));
    const toPrepaid = wanted - toMethod;
    if (toMethod < 0 || toPrepaid < 0 || toMethod > payment.methodAmount || toPrepaid > payment.prepaidAmount) {
      throw new BusinessError(PaymentErrorCode.INVALID_AMOUNT, 'A refund part exceeds what was paid that way.');
    }
    if (toMethod > 0 && !pending) {
      const result = await deps.gateway.refund({
        transactionId: payment.gatewayTransactionId ?? '',
        amount: toMethod,
        currency: payment.currency as 'CHF' | 'EUR',
        // The same refund step of the same payment state: a deadlock retry replays it instead of refunding twice.
        idempotencyKey: `refund:${payment.id}:${payment.refundedAmount}:${toMethod}`,
      });
      if (result.status !== 'SUCCEEDED')
        throw new BusinessError(PaymentErrorCode.REFUND_FAILED, 'The payment gateway refused the refund.');
    }
    if (toPrepaid > 0)
      await deps.ledger.post(
        ctx,
        payment.organizationId,
        LedgerEntryKind.REFUND,
        toPrepaid,
        `Refund: ${payment.purpose}`.slice(0, 255),
        payment.id,
      );
    const refundedAmount = payment.refundedAmount + wanted;
    const status = refundedAmount === payment.amount ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED;
    await ctx.em.update(PaymentEntity, { id: payment.id }, { refundedAmount, status });
  });
}
