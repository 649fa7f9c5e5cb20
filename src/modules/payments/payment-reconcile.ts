import { RequestContext } from '../../context';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import type { PaymentGateway } from './gateway';
import { writeLock } from '../../db/transaction';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { StaffRole } from '../accounts/user.entity';
import { GatewayError, TestGateway } from './gateway';
import { PaymentEntity, PaymentStatus } from './payment.entity';
import { PaymentErrorCode } from './payment.errors';

/** Called inside the reconciling transaction when a pending payment settles (B2 marks pro-forma invoices paid). */
export type SettledListener = (ctx: RequestContext, paymentId: number) => Promise<void>;

/**
 * Marks a pending bank transfer as arrived: SUCCEEDED, settled now, top-up credited, listeners called,
 * all in one transaction. Only platform admins (or the CLI, which has no viewer) may do it.
 */
export async function reconcilePayment(
  ctx: RequestContext,
  deps: { gateway: PaymentGateway; ledger: PrepaidLedgerService },
  paymentId: number,
  listeners: readonly SettledListener[],
  creditTopUp: (ctx: RequestContext, paymentId: number) => Promise<void>,
): Promise<{ payment: PaymentEntity; changed: boolean }> {
  if (ctx.viewer && ctx.viewer.user.staffRole !== StaffRole.ADMIN)
    throw new ForbiddenError('Only platform administrators reconcile bank transfers.');
  return ctx.transaction(async (ctx) => {
    const found = await ctx.em.findOneBy(PaymentEntity, { id: paymentId });
    if (!found)
      throw new BusinessError(PaymentErrorCode.PAYMENT_NOT_FOUND, `No payment ${paymentId}.`, ['input', 'paymentId']);
    await deps.ledger.lockAccount(ctx, found.organizationId);
    // Re-read under the lock with a locking read: a plain read could return the transaction's older snapshot (MySQL).
    const payment = await ctx.em.findOneOrFail(PaymentEntity, { where: { id: paymentId }, lock: writeLock(ctx.em) });
    if (payment.status !== PaymentStatus.PENDING) {
      if (payment.settledAt) return { payment, changed: false };
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_NOT_PENDING,
        `This payment is ${payment.status.toLowerCase()}, not a pending transfer.`,
        ['input', 'paymentId'],
      );
    }
    tellEmbeddedGateway(deps.gateway, payment.gatewayTransactionId);
    payment.status = PaymentStatus.SUCCEEDED;
    payment.settledAt = ctx.now();
    await ctx.em.update(PaymentEntity, { id: payment.id }, { status: payment.status, settledAt: payment.settledAt });
    await creditTopUp(ctx, payment.id);
    for (const listener of listeners) await listener(ctx, payment.id);
    return { payment, changed: true };
  });
}

/**
 * The embedded gateway keeps its transfers in memory and learns of their arrival only this way (a real
 * gateway hears it from the bank); without it a later refund of the transfer would be refused. It may
 * have forgotten the transfer after a restart, or already know: neither matters to our own record.
 */
function tellEmbeddedGateway(gateway: PaymentGateway, transactionId: string | null): void {
  if (!(gateway instanceof TestGateway) || !transactionId) return;
  try {
    gateway.reconcile(transactionId);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
  }
}
