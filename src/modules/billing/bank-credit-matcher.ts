import { createHash } from 'node:crypto';
import { In } from 'typeorm';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError } from '../../graphql/errors';
import { BankCreditEntity, BankCreditStatus, UnmatchedReason } from '../payments/bank-credit.entity';
import type { BankTransaction } from '../payments/camt054';
import { PaymentMethodEntity, PaymentMethodKind } from '../payments/payment-method.entity';
import { PaymentCategory, PaymentEntity, PaymentStatus } from '../payments/payment.entity';
import type { PaymentService } from '../payments/payment.service';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import type { BillingEvents } from './billing.events';
import type { BillingCreditor } from './creditor.config';
import { InvoicePaymentEntity, InvoicePaymentStatus } from './invoice-payment.entity';
import { amountDueOf } from './invoice-payment.service';
import { InvoiceEntity, InvoiceStatus } from './invoice.entity';
import { parsePaymentReference } from './payment-reference';

/** What one bank credit did: paid something, or nothing and why. Ids tell staff where it belongs. */
export type MatchOutcome = {
  status: BankCreditStatus.MATCHED | BankCreditStatus.UNMATCHED;
  reason: UnmatchedReason | null;
  organizationId: number | null;
  invoiceId: number | null;
  paymentId: number | null;
};

/**
 * Matches a credit of a bank notification to what its reference names and pays it exactly as
 * reconcileBankTransfer does (payments.reconcile: the pending transfer succeeds, its pro-forma
 * invoices are paid, its order completed, or cancelled and refunded when it can no longer be
 * delivered; a top-up is credited). Only an exact amount in the right currency pays; anything else
 * pays nothing. Runs inside the caller's transaction.
 */
export class BankCreditMatcher {
  constructor(
    private readonly creditor: BillingCreditor,
    private readonly payments: PaymentService,
    private readonly ledger: PrepaidLedgerService,
    private readonly events: BillingEvents,
  ) {}

  async match(ctx: RequestContext, credit: BankTransaction): Promise<MatchOutcome> {
    if (!credit.reference) return unmatched(UnmatchedReason.NO_REFERENCE);
    const target = parsePaymentReference(credit.reference, this.creditor.referencePrefix);
    if (!target) return unmatched(UnmatchedReason.UNKNOWN_REFERENCE);
    return target.kind === 'INVOICE'
      ? this.matchInvoice(ctx, target.id, credit)
      : this.matchTopUp(ctx, target.id, credit);
  }

  private async matchInvoice(ctx: RequestContext, invoiceId: number, credit: BankTransaction): Promise<MatchOutcome> {
    const invoice = await ctx.em.findOneBy(InvoiceEntity, { id: invoiceId });
    if (!invoice) return unmatched(UnmatchedReason.UNKNOWN_REFERENCE);
    const ids = { organizationId: invoice.billedToOrganizationId, invoiceId: invoice.id, paymentId: null };
    if (credit.currency !== invoice.currency) return unmatched(UnmatchedReason.CURRENCY_MISMATCH, ids);
    switch (invoice.status) {
      case InvoiceStatus.PRO_FORMA:
        return this.settleAnnouncedTransfer(ctx, invoice, credit);
      case InvoiceStatus.OPEN:
      case InvoiceStatus.OVERDUE:
        if (credit.amount !== amountDueOf(invoice)) return unmatched(UnmatchedReason.AMOUNT_MISMATCH, ids);
        return this.payByArrivedTransfer(ctx, invoice, credit);
      case InvoiceStatus.PAID:
        return this.handReconciled(ctx, invoice, credit);
      default:
        return unmatched(UnmatchedReason.NOT_PAYABLE, ids);
    }
  }

  /** A pro-forma invoice waits for the transfer announced with payInvoices/payOrder (IBAN): reconcile it. */
  private async settleAnnouncedTransfer(
    ctx: RequestContext,
    invoice: InvoiceEntity,
    credit: BankTransaction,
  ): Promise<MatchOutcome> {
    const row = await ctx.em.findOneBy(InvoicePaymentEntity, {
      invoiceId: invoice.id,
      status: InvoicePaymentStatus.PENDING,
    });
    const payment = row && (await ctx.em.findOneBy(PaymentEntity, { id: row.paymentId }));
    const ids = {
      organizationId: invoice.billedToOrganizationId,
      invoiceId: invoice.id,
      paymentId: payment?.id ?? null,
    };
    if (!payment || payment.status !== PaymentStatus.PENDING) return unmatched(UnmatchedReason.NOT_PAYABLE, ids);
    if (credit.amount !== payment.methodAmount) {
      const shared = (await ctx.em.countBy(InvoicePaymentEntity, { paymentId: payment.id })) > 1;
      return unmatched(shared ? UnmatchedReason.GROUPED_TRANSFER : UnmatchedReason.AMOUNT_MISMATCH, ids);
    }
    await this.payments.reconcile(ctx, payment.id);
    return { status: BankCreditStatus.MATCHED, reason: null, ...ids };
  }

  /**
   * Money for an open invoice that nobody announced (the customer paid the QR-bill of the PDF): recorded
   * as the pending transfer payInvoices would have made (no stored method), then reconciled. What the
   * invoice bills must still accept the money (billing's `paying` event, `unannounced`: an order that is
   * cancelled, blocked or can no longer be delivered refuses): otherwise it is left to staff, since such
   * money would have to go back by hand, which a transfer without a gateway transaction cannot do by itself.
   */
  private async payByArrivedTransfer(
    ctx: RequestContext,
    found: InvoiceEntity,
    credit: BankTransaction,
  ): Promise<MatchOutcome> {
    const ids = { organizationId: found.billedToOrganizationId, invoiceId: found.id, paymentId: null };
    // Lock order of payInvoices: the invoice, then the prepaid account (which serializes the organization's payments).
    const invoice = await ctx.em.findOneOrFail(InvoiceEntity, { where: { id: found.id }, lock: writeLock(ctx.em) });
    if (![InvoiceStatus.OPEN, InvoiceStatus.OVERDUE].includes(invoice.status) || amountDueOf(invoice) !== credit.amount)
      return unmatched(UnmatchedReason.NOT_PAYABLE, ids);
    await this.ledger.lockAccount(ctx, invoice.billedToOrganizationId);
    if (!(await this.accepted(ctx, invoice))) return unmatched(UnmatchedReason.NOT_PAYABLE, ids);
    const now = ctx.now();
    const idempotencyKey = `bank-transfer:${credit.bankReference}`.slice(0, 100);
    const fingerprint = createHash('sha256').update(`${idempotencyKey}|invoice:${invoice.id}`).digest('hex');
    const payment = await ctx.em.save(
      ctx.em.create(PaymentEntity, {
        organizationId: invoice.billedToOrganizationId,
        idempotencyKey,
        fingerprint,
        category: PaymentCategory.CHARGE,
        status: PaymentStatus.PENDING,
        currency: invoice.currency,
        amount: credit.amount,
        prepaidAmount: 0,
        methodAmount: credit.amount,
        paymentMethodId: null,
        gatewayTransactionId: null,
        failureReason: null,
        refundedAmount: 0,
        purpose: `Invoice ${invoice.number} (bank transfer)`,
        recurring: false,
        createdAt: now,
        settledAt: null,
      }),
    );
    await ctx.em.insert(InvoicePaymentEntity, {
      organizationId: invoice.billedToOrganizationId,
      invoiceId: invoice.id,
      paymentId: payment.id,
      idempotencyKey,
      fingerprint,
      status: InvoicePaymentStatus.PENDING,
      prepaidAmount: 0,
      methodAmount: credit.amount,
      paymentMethodId: null,
      methodSupportsAutoRenewal: false,
      createdAt: now,
    });
    await ctx.em.update(InvoiceEntity, { id: invoice.id }, { status: InvoiceStatus.PRO_FORMA });
    await this.payments.reconcile(ctx, payment.id);
    return { status: BankCreditStatus.MATCHED, reason: null, ...ids, paymentId: payment.id };
  }

  /** Billing's `paying` guard for money that already arrived: false when a listener refuses (nothing was written). */
  private async accepted(ctx: RequestContext, invoice: InvoiceEntity): Promise<boolean> {
    try {
      await this.events.emit('paying', {
        ctx,
        organizationId: invoice.billedToOrganizationId,
        invoices: [invoice],
        bankTransfer: true,
        unannounced: true,
        field: ['input', 'xml'],
      });
      return true;
    } catch (error) {
      if (error instanceof BusinessError) return false;
      throw error;
    }
  }

  /**
   * A paid invoice: if staff reconciled its transfer by hand before the bank's file came in, this
   * credit is that very money (matched, nothing changes); otherwise it was paid twice.
   */
  private async handReconciled(ctx: RequestContext, invoice: InvoiceEntity, credit: BankTransaction) {
    const rows = await ctx.em.findBy(InvoicePaymentEntity, {
      invoiceId: invoice.id,
      status: InvoicePaymentStatus.SUCCEEDED,
    });
    const payments = rows.length ? await ctx.em.findBy(PaymentEntity, { id: In(rows.map((r) => r.paymentId)) }) : [];
    for (const payment of payments) {
      if (payment.methodAmount === credit.amount && (await this.isUnclaimedTransfer(ctx, payment)))
        return matchedAlready(invoice.billedToOrganizationId, invoice.id, payment.id);
    }
    return unmatched(UnmatchedReason.NOT_PAYABLE, {
      organizationId: invoice.billedToOrganizationId,
      invoiceId: invoice.id,
      paymentId: null,
    });
  }

  private async matchTopUp(ctx: RequestContext, paymentId: number, credit: BankTransaction): Promise<MatchOutcome> {
    const payment = await ctx.em.findOneBy(PaymentEntity, { id: paymentId });
    if (!payment || payment.category !== PaymentCategory.TOP_UP) return unmatched(UnmatchedReason.UNKNOWN_REFERENCE);
    const ids = { organizationId: payment.organizationId, invoiceId: null, paymentId: payment.id };
    if (credit.currency !== payment.currency) return unmatched(UnmatchedReason.CURRENCY_MISMATCH, ids);
    if (credit.amount !== payment.amount) return unmatched(UnmatchedReason.AMOUNT_MISMATCH, ids);
    if (payment.status === PaymentStatus.PENDING) {
      await this.payments.reconcile(ctx, payment.id);
      return { status: BankCreditStatus.MATCHED, reason: null, ...ids };
    }
    if (payment.status === PaymentStatus.SUCCEEDED && (await this.isUnclaimedTransfer(ctx, payment)))
      return matchedAlready(payment.organizationId, null, payment.id);
    return unmatched(UnmatchedReason.NOT_PAYABLE, ids);
  }

  /** A settled bank transfer that no imported credit has paid yet (it was reconciled by hand). */
  private async isUnclaimedTransfer(ctx: RequestContext, payment: PaymentEntity): Promise<boolean> {
    if (!payment.settledAt) return false;
    const method = payment.paymentMethodId
      ? await ctx.em.findOneBy(PaymentMethodEntity, { id: payment.paymentMethodId })
      : null;
    if (method?.kind !== PaymentMethodKind.IBAN_TRANSFER) return false;
    return !(await ctx.em.existsBy(BankCreditEntity, { paymentId: payment.id, status: BankCreditStatus.MATCHED }));
  }
}

function unmatched(
  reason: UnmatchedReason,
  ids: Pick<MatchOutcome, 'organizationId' | 'invoiceId' | 'paymentId'> = {
    organizationId: null,
    invoiceId: null,
    paymentId: null,
  },
): MatchOutcome {
  return { status: BankCreditStatus.UNMATCHED, reason, ...ids };
}

function matchedAlready(organizationId: number, invoiceId: number | null, paymentId: number): MatchOutcome {
  return { status: BankCreditStatus.MATCHED, reason: null, organizationId, invoiceId, paymentId };
}
