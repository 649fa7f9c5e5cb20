import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import { LedgerEntryEntity, LedgerEntryKind } from '../prepaid/ledger-entry.entity';
import { GatewayError, PaymentGateway } from './gateway';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import type { PaymentMethodService } from './payment-method.service';
import { PaymentMethodEntity, PaymentMethodKind } from './payment-method.entity';
import { fingerprintOf, PaymentOutcome, PaymentRequest, validatePaymentRequest } from './payment-request';
import { PaymentCategory, PaymentEntity, PaymentStatus } from './payment.entity';
import { FailedAttempt, PaymentDeclinedError, PaymentErrorCode } from './payment.errors';
import { refundPayment, RefundSplit } from './payment-refund';
import { reconcilePayment, SettledListener } from './payment-reconcile';

export type { PaymentOutcome, PaymentRequest } from './payment-request';

/** Gateway charges made inside one withPayment call, so that a rollback can give the money back. */
interface ChargeJournal {
  /** Distinguishes this call's gateway keys from an earlier, rolled-back call with the same idempotency key. */
  nonce: string;
  charges: Array<{ transactionId: string; amount: number; currency: 'CHF' | 'EUR' }>;
}

const journals = new WeakMap<EntityManager, ChargeJournal>();

/**
 * Payments (R15, R17, R19): one operation takes `prepaidAmount` from the prepaid balance and the
 * rest from a stored method through the gateway, under an idempotency key unique per organization.
 * Amounts are integer minor units. Callers check the viewer's 'pay' permission before calling.
 */
export class PaymentService {
  private readonly settledListeners: SettledListener[] = [];

  constructor(
    private readonly gateway: PaymentGateway,
    private readonly ledger: PrepaidLedgerService,
    private readonly paymentMethods: PaymentMethodService,
  ) {}

  /**
   * Collects a payment inside the caller's transaction. Locks the organization's prepaid account row
   * first, which serializes every payment of the organization (concurrent debits, double submits).
   * @throws BusinessError INSUFFICIENT_PREPAID_BALANCE, PAYMENT_METHOD_NOT_FOUND, PAYMENT_METHOD_REQUIRED,
   *   PAYMENT_METHOD_EXPIRED, IDEMPOTENCY_KEY_REUSED, INVALID_AMOUNT, CURRENCY_NOT_SUPPORTED, INVALID_INPUT;
   *   PaymentDeclinedError (PAYMENT_DECLINED) when the gateway refuses (run inside withPayment to record it).
   */
  collect(ctx: RequestContext, req: PaymentRequest): Promise<PaymentOutcome> {
    return this.collectAs(ctx, req, PaymentCategory.CHARGE);
  }

  /** A prepaid top-up: the method pays `amount` into the balance, at once or when the transfer is reconciled. */
  async collectTopUp(ctx: RequestContext, req: Omit<PaymentRequest, 'prepaidAmount'>): Promise<PaymentOutcome> {
    const outcome = await this.collectAs(ctx, { ...req, prepaidAmount: 0 }, PaymentCategory.TOP_UP);
    if (outcome.status === 'SUCCEEDED' && !outcome.replayed) await this.creditTopUp(ctx, outcome.paymentId);
    return outcome;
  }

  /**
   * Runs `work` in a new transaction (call it outside any). If `work` throws, gateway charges it made are
   * voided; if it threw PaymentDeclinedError, the failed attempt is then recorded in its own transaction.
   * The error is rethrown either way.
   */
  async withPayment<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (ctx.em.queryRunner?.isTransactionActive)
      throw new Error('withPayment opens its own transaction: call it outside ctx.transaction');
    const journal: ChargeJournal = { nonce: randomBytes(6).toString('hex'), charges: [] };
    try {
      return await ctx.transaction((trx) => {
        journals.set(trx.em, journal);
        return work(trx);
      });
    } catch (error) {
      await this.voidCharges(ctx, journal, error);
      if (error instanceof PaymentDeclinedError) await this.recordFailure(ctx, error.attempt);
      throw error;
    }
  }

  /**
   * Refunds a payment to where it came from, inside the caller's transaction: the method part
   * through the gateway, the prepaid part as a ledger entry REFUND. `amount` is a split per source,
   * or a total taken from the method part first; it defaults to all that is left, so repeating a full
   * refund changes nothing; partial refunds add up.
   */
  refund(ctx: RequestContext, paymentId: number, amount?: number | RefundSplit): Promise<void> {
    return refundPayment(ctx, { gateway: this.gateway, ledger: this.ledger }, paymentId, amount);
  }

  /**
   * Staff/CLI: a pending IBAN transfer arrived. Marks the payment SUCCEEDED, credits a top-up, and calls
   * every onSettled listener in the same transaction. Reconciling a settled payment again changes nothing.
   * @returns the payment and whether this call changed it
   * @throws BusinessError PAYMENT_NOT_FOUND, PAYMENT_NOT_PENDING (failed or refunded)
   */
  reconcile(ctx: RequestContext, paymentId: number): Promise<{ payment: PaymentEntity; changed: boolean }> {
    return reconcilePayment(
      ctx,
      { gateway: this.gateway, ledger: this.ledger },
      paymentId,
      this.settledListeners,
      (trx, id) => this.creditTopUp(trx, id),
    );
  }

  /** Registers a listener called (inside the reconciling transaction) when a pending payment settles. */
  onSettled(listener: SettledListener): void {
    this.settledListeners.push(listener);
  }

  /** Credits (amount > 0) or debits (amount < 0) the prepaid ledger; never below zero (INSUFFICIENT_PREPAID_BALANCE). */
  postLedgerEntry(
    ctx: RequestContext,
    organizationId: number,
    kind: LedgerEntryKind,
    amount: number,
    reference: string,
  ): Promise<LedgerEntryEntity> {
    return this.ledger.post(ctx, organizationId, kind, amount, reference, null);
  }

  /** The stored (not removed) method if it belongs to `organizationId`, else null. */
  findMethod(
    ctx: RequestContext,
    organizationId: number,
    paymentMethodId: number,
  ): Promise<PaymentMethodEntity | null> {
    return this.paymentMethods.findOwned(ctx, organizationId, paymentMethodId);
  }

  /** A payment the viewer may see (billing rights in its organization), else null. */
  async findAccessible(ctx: RequestContext, paymentId: number): Promise<PaymentEntity | null> {
    const payment = await ctx.em.findOneBy(PaymentEntity, { id: paymentId });
    return payment && hasPermission(await ctx.access.forOrganization(payment.organizationId), 'viewBilling')
      ? payment
      : null;
  }

  private async collectAs(
    ctx: RequestContext,
    req: PaymentRequest,
    category: PaymentCategory,
  ): Promise<PaymentOutcome> {
    validatePaymentRequest(req);
    const at = (name: string) => [...(req.fieldPath ?? ['input', 'payment']), name];
    return ctx.transaction(async (ctx) => {
      const account = await this.ledger.lockAccount(ctx, req.organizationId);
      const fingerprint = fingerprintOf(req, category);
      // A locking read sees the latest committed payments even if the caller's transaction read something earlier (MySQL snapshot).
      const existing = await ctx.em.findOne(PaymentEntity, {
        where: { organizationId: req.organizationId, idempotencyKey: req.idempotencyKey },
        lock: writeLock(ctx.em),
      });
      if (existing) return this.replay(ctx, existing, fingerprint, at);
      if (req.currency !== account.currency) {
        throw new BusinessError(
          PaymentErrorCode.CURRENCY_NOT_SUPPORTED,
          `This organization pays in ${account.currency}, not ${req.currency}.`,
          at('currency'),
        );
      }
      const methodAmount = req.amount - req.prepaidAmount;
      const method = methodAmount > 0 ? await this.usableMethod(ctx, req, at('paymentMethodId')) : null;
      if (req.prepaidAmount > account.balance) {
        throw new BusinessError(
          PaymentErrorCode.INSUFFICIENT_PREPAID_BALANCE,
          `The prepaid balance covers ${account.balance} of the ${req.prepaidAmount} asked (minor units).`,
          at('prepaidAmount'),
        );
      }
      const payment = await ctx.em.save(
        ctx.em.create(PaymentEntity, {
          organizationId: req.organizationId,
          idempotencyKey: req.idempotencyKey,
          fingerprint,
          category,
          status: PaymentStatus.PENDING,
          currency: req.currency,
          amount: req.amount,
          prepaidAmount: req.prepaidAmount,
          methodAmount,
          paymentMethodId: method?.id ?? null,
          gatewayTransactionId: null,
          failureReason: null,
          refundedAmount: 0,
          purpose: req.purpose,
          recurring: !!req.recurring,
          createdAt: ctx.now(),
          settledAt: null,
        }),
      );
      if (req.prepaidAmount > 0)
        await this.ledger.post(
          ctx,
          req.organizationId,
          LedgerEntryKind.PAYMENT,
          -req.prepaidAmount,
          req.purpose,
          payment.id,
        );
      if (method) await this.charge(ctx, payment, method, at('paymentMethodId'));
      else Object.assign(payment, { status: PaymentStatus.SUCCEEDED, settledAt: ctx.now() });
      await ctx.em.update(
        PaymentEntity,
        { id: payment.id },
        { status: payment.status, gatewayTransactionId: payment.gatewayTransactionId, settledAt: payment.settledAt },
      );
      return outcomeOf(payment, method?.kind ?? null, false);
    });
  }

  private async replay(
    ctx: RequestContext,
    existing: PaymentEntity,
    fingerprint: string,
    at: (name: string) => string[],
  ): Promise<PaymentOutcome> {
    if (existing.fingerprint !== fingerprint) {
      throw new BusinessError(
        PaymentErrorCode.IDEMPOTENCY_KEY_REUSED,
        'This idempotency key was already used for a different payment; use a new key.',
        at('idempotencyKey'),
      );
    }
    if (existing.status === PaymentStatus.FAILED) {
      const { id: _id, settledAt: _settled, organization: _org, ...attempt } = existing;
      throw new PaymentDeclinedError(attempt, at('paymentMethodId'));
    }
    const method = existing.paymentMethodId
      ? await ctx.em.findOneBy(PaymentMethodEntity, { id: existing.paymentMethodId })
      : null;
    return outcomeOf(existing, method?.kind ?? null, true);
  }

  private async usableMethod(ctx: RequestContext, req: PaymentRequest, field: string[]): Promise<PaymentMethodEntity> {
    if (req.paymentMethodId === null || req.paymentMethodId === undefined) {
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_METHOD_REQUIRED,
        'Choose a payment method for the part the prepaid balance does not cover.',
        field,
      );
    }
    const method = await this.findMethod(ctx, req.organizationId, req.paymentMethodId);
    if (!method || method.kind === PaymentMethodKind.PREPAID) {
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_METHOD_NOT_FOUND,
        'No such payment method in this organization.',
        field,
      );
    }
    if (method.kind === PaymentMethodKind.POSTFINANCE_CARD && req.currency !== 'CHF') {
      throw new BusinessError(
        PaymentErrorCode.CURRENCY_NOT_SUPPORTED,
        'A PostFinance card pays in CHF only (R15).',
        field,
      );
    }
    if (method.expiresOn && method.expiresOn < ctx.now().toISOString().slice(0, 10)) {
      throw new BusinessError(
        PaymentErrorCode.PAYMENT_METHOD_EXPIRED,
        `This payment method expired on ${method.expiresOn}.`,
        field,
      );
    }
    return method;
  }

  /** Charges the method part; on refusal throws PaymentDeclinedError carrying the attempt to record. */
  private async charge(
    ctx: RequestContext,
    payment: PaymentEntity,
    method: PaymentMethodEntity,
    field: string[],
  ): Promise<void> {
    const journal = journals.get(ctx.em);
    // Deterministic per withPayment call: a deadlock retry of the transaction replays the same charge.
    const idempotencyKey = `${payment.organizationId}:${payment.idempotencyKey}${journal ? `:${journal.nonce}` : ''}`;
    const currency = payment.currency as 'CHF' | 'EUR';
    const result = await this.gateway
      .charge({
        gatewayRef: method.gatewayRef,
        amount: payment.methodAmount,
        currency,
        idempotencyKey,
        recurring: payment.recurring,
      })
      .catch((error: unknown) => {
        if (error instanceof GatewayError && error.code === 'UNKNOWN_METHOD') {
          throw new BusinessError(
            PaymentErrorCode.PAYMENT_METHOD_NOT_FOUND,
            'The gateway no longer knows this payment method; add it again.',
            field,
          );
        }
        throw error;
      });
    payment.gatewayTransactionId = result.transactionId;
    if (result.status === 'FAILED') {
      const { id: _id, settledAt: _settled, organization: _org, ...attempt } = payment;
      throw new PaymentDeclinedError({ ...attempt, status: PaymentStatus.FAILED, failureReason: result.reason }, field);
    }
    if (result.status === 'SUCCEEDED')
      journal?.charges.push({ transactionId: result.transactionId, amount: payment.methodAmount, currency });
    payment.status = result.status === 'SUCCEEDED' ? PaymentStatus.SUCCEEDED : PaymentStatus.PENDING;
    payment.settledAt = result.status === 'SUCCEEDED' ? ctx.now() : null;
  }

  private async creditTopUp(ctx: RequestContext, paymentId: number): Promise<void> {
    const payment = await ctx.em.findOneByOrFail(PaymentEntity, { id: paymentId });
    if (payment.category !== PaymentCategory.TOP_UP) return;
    await this.ledger.post(
      ctx,
      payment.organizationId,
      LedgerEntryKind.TOP_UP,
      payment.amount,
      payment.purpose,
      payment.id,
    );
  }

  /** Records the declined attempt once (a replayed decline finds it already there). */
  private async recordFailure(ctx: RequestContext, attempt: FailedAttempt): Promise<void> {
    await ctx.transaction(async (ctx) => {
      await this.ledger.lockAccount(ctx, attempt.organizationId);
      if (
        await ctx.em.existsBy(PaymentEntity, {
          organizationId: attempt.organizationId,
          idempotencyKey: attempt.idempotencyKey,
        })
      )
        return;
      await ctx.em.insert(PaymentEntity, {
        ...attempt,
        status: PaymentStatus.FAILED,
        createdAt: ctx.now(),
        settledAt: null,
      });
    });
  }

  /** Money charged by a transaction that then rolled back goes back to the customer. */
  private async voidCharges(ctx: RequestContext, journal: ChargeJournal, cause: unknown): Promise<void> {
    const unique = [...new Map(journal.charges.map((c) => [c.transactionId, c])).values()];
    for (const charge of unique) {
      const result = await this.gateway
        .refund({ ...charge, idempotencyKey: `void:${charge.transactionId}` })
        .catch(() => null);
      if (result?.status !== 'SUCCEEDED') {
        throw new Error(
          `Gateway charge ${charge.transactionId} of a rolled-back payment could not be voided; refund it by hand.`,
          { cause },
        );
      }
    }
  }
}

function outcomeOf(payment: PaymentEntity, methodKind: PaymentMethodKind | null, replayed: boolean): PaymentOutcome {
  return {
    paymentId: payment.id,
    status: payment.status === PaymentStatus.PENDING ? 'PENDING' : 'SUCCEEDED',
    replayed,
    prepaidAmount: payment.prepaidAmount,
    methodAmount: payment.methodAmount,
    methodKind,
    paymentMethodId: payment.paymentMethodId,
  };
}
