import { In, IsNull } from 'typeorm';
import { computeInvoiceLine } from '../../calc/invoice-line';
import { addBillingPeriod, addDays } from '../../calc/periods';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { sweepEach } from '../../jobs/sweep';
import { BusinessError } from '../../graphql/errors';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import { InvoiceEntity, InvoiceStatus, InvoiceSubject } from '../billing/invoice.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { PaymentMethodEntity } from '../payments/payment-method.entity';
import { ProductEntity, ProductStatus } from '../products/product.entity';
import type { Mailer } from '../../common/mail';
import type { BillingEventMap } from '../billing/billing.events';
import type { InvoicePaymentService } from '../billing/invoice-payment.service';
import type { InvoiceService } from '../billing/invoice.service';
import { mailBillingContacts } from './notices';
import { DEFAULT_RENEWAL_CONFIG, nextRetryAt, RenewalConfig } from '../../calc/renewal-schedule';

const dateOf = (at: Date) => at.toISOString().slice(0, 10);
const UNPAID = [InvoiceStatus.OPEN, InvoiceStatus.OVERDUE, InvoiceStatus.PRO_FORMA];

/**
 * Auto-renewal charges (R11): from 14 days before expiry, a renewal invoice for the next period is
 * issued (due at expiry) and charged to the product's stored method; a failed charge is retried on
 * the configured days and the billing contacts are told. A paid renewal invoice, however it was
 * paid, extends the product by one period.
 */
export class RenewalService {
  constructor(
    private readonly invoices: InvoiceService,
    private readonly invoicePayments: InvoicePaymentService,
    private readonly mailer: Mailer,
    private readonly config: RenewalConfig = DEFAULT_RENEWAL_CONFIG,
  ) {}

  /** The renewal sweep: every due product once, each in its own transactions. Returns how many were attempted. */
  async renewDue(ctx: RequestContext, now: Date): Promise<number> {
    const horizon = addDays(now, this.config.leadDays);
    const candidates = await ctx.em
      .createQueryBuilder(ProductEntity, 'p')
      .where('p.autoRenew = :on AND p.status = :active', { on: true, active: ProductStatus.ACTIVE })
      .andWhere('p.expiresAt > :now AND p.expiresAt <= :horizon', { now, horizon })
      .orderBy('p.id', 'ASC')
      .getMany();
    // One product's unexpected failure (gateway down, ...) must not hold back the others.
    const due = candidates.filter((p) => !p.nextRenewalAttemptAt || p.nextRenewalAttemptAt <= now);
    return sweepEach(due, async (product) => ((await this.renewOne(ctx, product, now)) ? 1 : 0));
  }

  /** Charges one product's renewal; false when there is nothing to charge (a bank transfer for it is on its way). */
  private async renewOne(ctx: RequestContext, product: ProductEntity, now: Date): Promise<boolean> {
    const invoice = await this.renewalInvoice(ctx, product);
    if (invoice.status === InvoiceStatus.PRO_FORMA) return false;
    try {
      await this.invoicePayments.pay(
        ctx,
        [invoice.id],
        {
          paymentMethodId: await this.methodOfPayer(ctx, product, invoice.billedToOrganizationId, now),
          prepaidAmount: 0,
          idempotencyKey: `renewal:${invoice.id}:${product.renewalFailures + 1}`,
          recurring: true,
        },
        ['product'],
      );
    } catch (error) {
      if (!(error instanceof BusinessError)) throw error;
      await this.recordFailure(ctx, product, invoice, error, now);
    }
    return true;
  }

  /**
   * The stored method that pays the renewal: the product's own auto-renewal method when it belongs to
   * the organization billed; otherwise (the partner pays for its client, or the client pays again after
   * its partner did, R31) that organization's newest method fit for auto-renewal (R9), or none.
   */
  private async methodOfPayer(
    ctx: RequestContext,
    product: ProductEntity,
    payerOrganizationId: number,
    now: Date,
  ): Promise<number | null> {
    const own = product.autoRenewPaymentMethodId
      ? await ctx.em.findOneBy(PaymentMethodEntity, { id: product.autoRenewPaymentMethodId })
      : null;
    // The product's method decides as before (a removed or expired one fails the charge and says so).
    if (!own || own.organizationId === payerOrganizationId) return product.autoRenewPaymentMethodId;
    const methods = await ctx.em.find(PaymentMethodEntity, {
      where: { organizationId: payerOrganizationId, supportsAutoRenewal: true, removedAt: IsNull() },
      order: { id: 'DESC' },
    });
    const today = dateOf(now);
    return methods.find((m) => !m.expiresOn || m.expiresOn >= today)?.id ?? null;
  }

  /** Products whose next period is being paid by a bank transfer that has not arrived yet: they must not expire meanwhile. */
  async awaitingTransfer(ctx: RequestContext, productIds: number[]): Promise<Set<number>> {
    if (!productIds.length) return new Set();
    const rows = await ctx.em
      .createQueryBuilder(InvoiceLineEntity, 'l')
      .innerJoin(InvoiceEntity, 'i', 'i.id = l.invoiceId')
      .select('l.productId', 'productId')
      .where('l.productId IN (:...productIds) AND i.status = :proForma', {
        productIds,
        proForma: InvoiceStatus.PRO_FORMA,
      })
      .getRawMany<{ productId: number }>();
    return new Set(rows.map((r) => Number(r.productId)));
  }

  /** The unpaid renewal invoice of the product's next period, issued once (a retry charges the same invoice). */
  private async renewalInvoice(ctx: RequestContext, product: ProductEntity): Promise<InvoiceEntity> {
    const periodStart = dateOf(product.expiresAt);
    const existing = await ctx.em
      .createQueryBuilder(InvoiceEntity, 'i')
      .innerJoin(InvoiceLineEntity, 'l', 'l.invoiceId = i.id')
      .where('l.productId = :productId AND l.periodStart = :periodStart', { productId: product.id, periodStart })
      .andWhere('i.status IN (:...unpaid)', { unpaid: UNPAID })
      .getOne();
    if (existing) return existing;
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: product.organizationId });
    const vatRateBp = this.invoices.vatRateFor(organization.country);
    const amounts = computeInvoiceLine({
      unitListAmount: product.price,
      quantity: 1,
      degressiveBp: 0,
      partnerBp: 0,
      vatBp: vatRateBp,
    });
    await this.invoices.prepareIssue(ctx, ctx.now());
    return ctx.transaction((ctx) =>
      this.invoices.issue(ctx, {
        organizationId: product.organizationId,
        subject: InvoiceSubject.RENEWAL,
        subjectId: product.id,
        currency: product.currency,
        dueAt: product.expiresAt,
        lines: [
          {
            ...amounts,
            description: `Renewal of ${product.name} (${product.billingPeriod.toLowerCase()})`,
            productType: product.type,
            billingPeriod: product.billingPeriod,
            productId: product.id,
            orderLineId: null,
            quantity: 1,
            vatRateBp,
            periodStart,
            periodEnd: dateOf(addBillingPeriod(product.expiresAt, product.billingPeriod)),
          },
        ],
      }),
    );
  }

  private async recordFailure(
    ctx: RequestContext,
    product: ProductEntity,
    invoice: InvoiceEntity,
    error: BusinessError,
    now: Date,
  ): Promise<void> {
    const failures = product.renewalFailures + 1;
    const retry = nextRetryAt(now, failures, this.config);
    // Past the last retry (or past expiry) no attempt is left: the invoice stays open until it is overdue (R14).
    const nextAttempt = retry && retry < product.expiresAt ? retry : product.expiresAt;
    await ctx.transaction((ctx) =>
      ctx.em.update(
        ProductEntity,
        { id: product.id },
        { renewalFailures: failures, nextRenewalAttemptAt: nextAttempt },
      ),
    );
    const next =
      nextAttempt < product.expiresAt
        ? `We will try again on ${dateOf(nextAttempt)}.`
        : 'No further automatic attempt will be made.';
    // The organization billed is told: the partner when it pays for its client (R31).
    await mailBillingContacts(
      ctx,
      this.mailer,
      invoice.billedToOrganizationId,
      `Renewal of ${product.name} failed`,
      [
        `We could not charge the renewal of ${product.name} (invoice ${invoice.number}): ${error.message}`,
        next,
        `Pay invoice ${invoice.number} before ${dateOf(product.expiresAt)} to keep the product, or update the payment method used for auto-renewal.`,
      ].join('\n\n'),
    );
  }

  /** Billing `paid` listener: a paid renewal invoice extends its product. */
  async onInvoicePaid({ ctx, invoice }: BillingEventMap['paid']): Promise<void> {
    if (invoice.subject === InvoiceSubject.RENEWAL) await this.onRenewalInvoicePaid(ctx, invoice.id);
  }

  /**
   * A renewal invoice was paid. Each of its lines that renews a product's
   * current period extends that product by one period and releases it (ACTIVE, failures cleared).
   * Idempotent: a line whose period already started before the product's expiry changes nothing.
   */
  async onRenewalInvoicePaid(ctx: RequestContext, invoiceId: number): Promise<void> {
    const lines = await ctx.em.findBy(InvoiceLineEntity, { invoiceId });
    const productIds = lines.map((l) => l.productId).filter((id): id is number => id !== null);
    if (!productIds.length) return;
    const products = await ctx.em.find(ProductEntity, { where: { id: In(productIds) }, lock: writeLock(ctx.em) });
    for (const line of lines) {
      const product = products.find((p) => p.id === line.productId);
      if (!product || product.status === ProductStatus.CANCELLED || line.periodStart !== dateOf(product.expiresAt))
        continue;
      const changes = {
        expiresAt: addBillingPeriod(product.expiresAt, product.billingPeriod),
        status: ProductStatus.ACTIVE,
        renewalFailures: 0,
        nextRenewalAttemptAt: null,
      };
      await ctx.em.update(ProductEntity, { id: product.id }, changes);
      Object.assign(product, changes);
    }
  }
}
