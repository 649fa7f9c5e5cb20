import { createHash } from 'node:crypto';
import { In } from 'typeorm';
import { allocateSequential } from '../../calc/allocate';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { PaymentMethodEntity, PaymentMethodKind } from '../payments/payment-method.entity';
import { requireIdempotencyKey } from '../payments/payment-request';
import type { PaymentService } from '../payments/payment.service';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import type { BillingEvents } from './billing.events';
import { BillingErrorCode } from './billing.errors';
import { InvoicePaymentEntity, InvoicePaymentStatus } from './invoice-payment.entity';
import { InvoiceEntity, InvoiceStatus } from './invoice.entity';

/** How the customer pays (PaymentInput): prepaid first, the stored method for the rest. Minor units. */
export interface PaymentChoice {
  paymentMethodId: number | null;
  prepaidAmount: number;
  idempotencyKey: string;
  /** A renewal charge made without the customer present (R11). */
  recurring?: boolean;
}

export const MAX_INVOICES_PER_PAYMENT = 50;

const PAYMENT_FIELD = ['input', 'payment'];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What an invoice still asks for: nothing once paid, voided or refunded. Minor units. */
export function amountDueOf(invoice: InvoiceEntity): number {
  const settled = [InvoiceStatus.PAID, InvoiceStatus.VOID, InvoiceStatus.REFUNDED].includes(invoice.status);
  return settled ? 0 : invoice.total - invoice.amountPaid;
}

/**
 * Paying invoices (R15, R17, R19): one payment for one or several invoices of one organization,
 * the prepaid part spread over them in the order given, the method paying the rest. The link
 * payment → invoices lives in invoice_payment, which makes a repeated request return the first
 * result and lets a refund give each invoice's share back.
 */
export class InvoicePaymentService {
  constructor(
    private readonly payments: PaymentService,
    private readonly ledger: PrepaidLedgerService,
    private readonly events: BillingEvents,
  ) {}

  /**
   * Pays `invoiceIds` (distinct, in the order given). Checks 'pay' on every invoice's billed
   * organization first (FORBIDDEN, nothing paid); that organization's methods and prepaid account pay. An IBAN transfer leaves the invoices PRO_FORMA until reconciled.
   * @throws BusinessError ALREADY_PAID, PAYMENT_PENDING, INVOICE_NOT_PAYABLE, MIXED_ORGANIZATIONS,
   *   IDEMPOTENCY_KEY_REUSED, INVALID_AMOUNT and the payment errors (PAYMENT_DECLINED ...).
   */
  async pay(
    ctx: RequestContext,
    invoiceIds: number[],
    choice: PaymentChoice,
    idsField = ['input', 'invoiceIds'],
  ): Promise<InvoiceEntity[]> {
    const ids = [...new Set(invoiceIds)];
    if (ids.length === 0)
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'Choose at least one invoice to pay.', idsField);
    if (ids.length > MAX_INVOICES_PER_PAYMENT) {
      throw new BusinessError(
        BillingErrorCode.TOO_MANY_INVOICES,
        `One payment covers at most ${MAX_INVOICES_PER_PAYMENT} invoices.`,
        idsField,
      );
    }
    const idempotencyKey = requireIdempotencyKey(choice.idempotencyKey, [...PAYMENT_FIELD, 'idempotencyKey']);
    const organizationId = await this.requirePayable(ctx, ids, idsField);
    const method = await this.requireOwnMethod(ctx, organizationId, choice.paymentMethodId);
    const bankTransfer = method?.kind === PaymentMethodKind.IBAN_TRANSFER;
    const request = `invoices:${ids.join(',')}|pm:${choice.paymentMethodId ?? '-'}|prepaid:${choice.prepaidAmount}`;

    return this.payments.withPayment(ctx, async (ctx) => {
      // Lock order: invoices, then the prepaid account (serializes the organization's payments), then plain reads.
      const locked = await ctx.em.find(InvoiceEntity, {
        where: { id: In(ids) },
        order: { id: 'ASC' },
        lock: writeLock(ctx.em),
      });
      await this.ledger.lockAccount(ctx, organizationId);
      const invoices = ids.map((id) => locked.find((i) => i.id === id) as InvoiceEntity);
      const previous = await ctx.em.findBy(InvoicePaymentEntity, { organizationId, idempotencyKey });
      if (previous.length) {
        if (previous[0].fingerprint !== sha256(request)) {
          throw new BusinessError(
            BillingErrorCode.IDEMPOTENCY_KEY_REUSED,
            'This idempotency key was already used for a different payment; use a new key.',
            [...PAYMENT_FIELD, 'idempotencyKey'],
          );
        }
        return invoices;
      }
      invoices.forEach((invoice, i) => requireOpen(invoice, [...idsField, String(i)]));
      const dues = invoices.map(amountDueOf);
      const amount = dues.reduce((sum, due) => sum + due, 0);
      if (choice.prepaidAmount > amount) {
        throw new BusinessError(BillingErrorCode.INVALID_AMOUNT, 'prepaidAmount is more than the amount due.', [
          ...PAYMENT_FIELD,
          'prepaidAmount',
        ]);
      }
      await this.events.emit('paying', { ctx, organizationId, invoices, bankTransfer, field: idsField });

      const outcome = await this.payments.collect(ctx, {
        organizationId,
        currency: invoices[0].currency as 'CHF' | 'EUR',
        amount,
        prepaidAmount: choice.prepaidAmount,
        paymentMethodId: choice.paymentMethodId,
        idempotencyKey,
        fingerprint: request,
        recurring: choice.recurring ?? false,
        purpose: `${invoices.length > 1 ? 'Invoices' : 'Invoice'} ${invoices.map((i) => i.number).join(', ')}`.slice(
          0,
          255,
        ),
      });
      const method = outcome.paymentMethodId
        ? await this.payments.findMethod(ctx, organizationId, outcome.paymentMethodId)
        : null;
      const prepaidParts = allocateSequential(outcome.prepaidAmount, dues);
      const settled = outcome.status === 'SUCCEEDED';
      for (const [i, invoice] of invoices.entries()) {
        await ctx.em.insert(InvoicePaymentEntity, {
          organizationId,
          invoiceId: invoice.id,
          paymentId: outcome.paymentId,
          idempotencyKey,
          fingerprint: sha256(request),
          status: settled ? InvoicePaymentStatus.SUCCEEDED : InvoicePaymentStatus.PENDING,
          prepaidAmount: prepaidParts[i],
          methodAmount: dues[i] - prepaidParts[i],
          paymentMethodId: outcome.paymentMethodId,
          methodSupportsAutoRenewal: outcome.methodAmount > 0 && !!method?.supportsAutoRenewal,
          createdAt: ctx.now(),
        });
        if (settled) await this.markPaid(ctx, invoice, dues[i]);
        else await this.markProForma(ctx, invoice, prepaidParts[i]);
      }
      return invoices;
    });
  }

  /** payments.onSettled listener: a reconciled transfer pays its pro-forma invoices (each publishes `paid`). */
  async settle(ctx: RequestContext, paymentId: number): Promise<void> {
    const rows = await ctx.em.findBy(InvoicePaymentEntity, { paymentId, status: InvoicePaymentStatus.PENDING });
    for (const row of rows) {
      await ctx.em.update(InvoicePaymentEntity, { id: row.id }, { status: InvoicePaymentStatus.SUCCEEDED });
      const invoice = await ctx.em.findOneOrFail(InvoiceEntity, {
        where: { id: row.invoiceId },
        lock: writeLock(ctx.em),
      });
      if (invoice.status === InvoiceStatus.PRO_FORMA) await this.markPaid(ctx, invoice, row.methodAmount);
    }
  }

  /**
   * Gives back everything paid towards an invoice, each payment's share to where it came from
   * (payments.refund: method part through the gateway, prepaid part to the ledger), inside the
   * caller's transaction. The invoice becomes REFUNDED, or VOID when no money had arrived (a
   * pending transfer is cancelled).
   */
  async refundInvoice(ctx: RequestContext, invoiceId: number): Promise<InvoiceEntity> {
    return ctx.transaction(async (ctx) => {
      const invoice = await ctx.em.findOneOrFail(InvoiceEntity, { where: { id: invoiceId }, lock: writeLock(ctx.em) });
      const rows = await ctx.em.findBy(InvoicePaymentEntity, {
        invoiceId,
        status: In([InvoicePaymentStatus.SUCCEEDED, InvoicePaymentStatus.PENDING]),
      });
      for (const row of rows) {
        const sharers = await ctx.em.countBy(InvoicePaymentEntity, { paymentId: row.paymentId });
        // A payment for this invoice alone is refunded in full (also a pending transfer, which can only be cancelled whole).
        await this.payments.refund(
          ctx,
          row.paymentId,
          sharers === 1 ? undefined : { toMethod: row.methodAmount, toPrepaid: row.prepaidAmount },
        );
        await ctx.em.update(InvoicePaymentEntity, { id: row.id }, { status: InvoicePaymentStatus.REFUNDED });
      }
      const previousStatus = invoice.status;
      const status = invoice.amountPaid > 0 ? InvoiceStatus.REFUNDED : InvoiceStatus.VOID;
      await ctx.em.update(InvoiceEntity, { id: invoice.id }, { status });
      Object.assign(invoice, { status });
      await this.events.emit('refunded', { ctx, invoice, previousStatus });
      return invoice;
    });
  }

  /** The stored method that paid an invoice and supports auto-renewal (R10), if any. */
  async autoRenewMethodFor(ctx: RequestContext, invoiceId: number): Promise<number | null> {
    const row = await ctx.em.findOne(InvoicePaymentEntity, {
      where: { invoiceId, status: InvoicePaymentStatus.SUCCEEDED, methodSupportsAutoRenewal: true },
      order: { id: 'DESC' },
    });
    return row?.paymentMethodId ?? null;
  }

  /**
   * Every invoice exists and the viewer may pay for the (single) organization billed; returns that
   * organization, whose methods and prepaid account pay (a PARTNER_PAYS client's invoices: the partner, R31).
   */
  private async requirePayable(ctx: RequestContext, ids: number[], idsField: string[]): Promise<number> {
    const found = await ctx.em.findBy(InvoiceEntity, { id: In(ids) });
    // Another tenant's invoice answers like a missing one (uniform not-found, issue 9).
    for (const [index, id] of ids.entries())
      await ctx.access.requireFound(
        found.find((i) => i.id === id)?.billedToOrganizationId,
        'pay',
        () => new BusinessError(BillingErrorCode.INVOICE_NOT_FOUND, 'No such invoice.', [...idsField, String(index)]),
      );
    const organizations = [...new Set(found.map((i) => i.billedToOrganizationId))];
    if (organizations.length > 1)
      throw new BusinessError(
        BillingErrorCode.MIXED_ORGANIZATIONS,
        'One payment pays invoices billed to one organization only.',
        idsField,
      );
    return organizations[0];
  }

  /** The organization's own method; another organization's is left to payments like an unknown one (PAYMENT_METHOD_NOT_FOUND). */
  private async requireOwnMethod(
    ctx: RequestContext,
    organizationId: number,
    paymentMethodId: number | null,
  ): Promise<PaymentMethodEntity | null> {
    if (paymentMethodId === null) return null;
    const method = await ctx.em.findOneBy(PaymentMethodEntity, { id: paymentMethodId });
    return method && method.organizationId === organizationId ? method : null;
  }

  private async markPaid(ctx: RequestContext, invoice: InvoiceEntity, received: number): Promise<void> {
    Object.assign(invoice, {
      status: InvoiceStatus.PAID,
      paidAt: ctx.now(),
      amountPaid: invoice.amountPaid + received,
    });
    await ctx.em.update(
      InvoiceEntity,
      { id: invoice.id },
      { status: invoice.status, paidAt: invoice.paidAt, amountPaid: invoice.amountPaid },
    );
    await this.events.emit('paid', { ctx, invoice, received });
  }

  private async markProForma(ctx: RequestContext, invoice: InvoiceEntity, prepaidPart: number): Promise<void> {
    Object.assign(invoice, { status: InvoiceStatus.PRO_FORMA, amountPaid: invoice.amountPaid + prepaidPart });
    await ctx.em.update(InvoiceEntity, { id: invoice.id }, { status: invoice.status, amountPaid: invoice.amountPaid });
  }
}

function requireOpen(invoice: InvoiceEntity, field: string[]): void {
  if (invoice.status === InvoiceStatus.OPEN || invoice.status === InvoiceStatus.OVERDUE) return;
  if (invoice.status === InvoiceStatus.PAID)
    throw new BusinessError(BillingErrorCode.ALREADY_PAID, `Invoice ${invoice.number} is already paid.`, field);
  if (invoice.status === InvoiceStatus.PRO_FORMA) {
    throw new BusinessError(
      BillingErrorCode.PAYMENT_PENDING,
      `Invoice ${invoice.number} waits for a bank transfer already.`,
      field,
    );
  }
  throw new BusinessError(
    BillingErrorCode.INVOICE_NOT_PAYABLE,
    `Invoice ${invoice.number} is ${invoice.status.toLowerCase()}.`,
    field,
  );
}
