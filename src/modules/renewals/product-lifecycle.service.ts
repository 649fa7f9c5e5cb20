import { And, In, LessThanOrEqual, MoreThan } from 'typeorm';
import { formatDecimal } from '../../calc/money';
import { addDays, DAY_MS } from '../../calc/periods';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { sweepEach } from '../../jobs/sweep';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import { InvoiceEntity, InvoiceStatus } from '../billing/invoice.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductEntity, ProductStatus } from '../products/product.entity';
import { claimNotice, mailBillingContacts } from './notices';
import { DEFAULT_RENEWAL_CONFIG, MAX_NOTICE_DAYS, RenewalConfig } from '../../calc/renewal-schedule';
import type { RenewalService } from './renewal.service';
import type { Mailer } from '../../common/mail';

/**
 * The sweeps that move products through their life as time passes (R14): unpaid invoices block
 * their products, still unpaid 30 days later they are cancelled, products past expiry expire, and
 * notices go out before expiry. Each sweep is idempotent: running it twice at the same `now`
 * changes nothing the second time.
 */
export class ProductLifecycleService {
  constructor(
    private readonly renewals: RenewalService,
    private readonly mailer: Mailer,
    private readonly config: RenewalConfig = DEFAULT_RENEWAL_CONFIG,
  ) {}

  /** OPEN invoices past their due date become OVERDUE and block their active products. */
  blockOverdue(ctx: RequestContext, now: Date): Promise<number> {
    return this.settleUnpaid(ctx, InvoiceStatus.OPEN, now, InvoiceStatus.OVERDUE, ProductStatus.ACTIVE, {
      status: ProductStatus.BLOCKED,
    });
  }

  /** OVERDUE invoices unpaid `cancelAfterOverdueDays` after their due date: the invoice is voided, its blocked products cancelled. */
  cancelLongOverdue(ctx: RequestContext, now: Date): Promise<number> {
    const cutoff = addDays(now, -this.config.cancelAfterOverdueDays);
    return this.settleUnpaid(ctx, InvoiceStatus.OVERDUE, cutoff, InvoiceStatus.VOID, ProductStatus.BLOCKED, {
      status: ProductStatus.CANCELLED,
      autoRenew: false,
      nextRenewalAttemptAt: null,
    });
  }

  /**
   * Every invoice in status `from` due by `dueBy` moves to `to`, and its products in `productFrom`
   * take `productChanges`; one transaction per invoice, re-checked under its lock (idempotent); one
   * invoice's failure does not hold back the others.
   * Returns how many invoices and products changed.
   */
  private async settleUnpaid(
    ctx: RequestContext,
    from: InvoiceStatus,
    dueBy: Date,
    to: InvoiceStatus,
    productFrom: ProductStatus,
    productChanges: Partial<ProductEntity>,
  ): Promise<number> {
    const due = await ctx.em.find(InvoiceEntity, {
      select: { id: true },
      where: { status: from, dueAt: LessThanOrEqual(dueBy) },
      order: { id: 'ASC' },
    });
    return sweepEach(due, ({ id }) =>
      ctx.transaction(async (ctx) => {
        const invoice = await ctx.em.findOne(InvoiceEntity, { where: { id }, lock: writeLock(ctx.em) });
        if (!invoice || invoice.status !== from) return 0;
        await ctx.em.update(InvoiceEntity, { id }, { status: to });
        const products = await this.productsOf(ctx, id, productFrom);
        if (products.length) await ctx.em.update(ProductEntity, { id: In(products.map((p) => p.id)) }, productChanges);
        return 1 + products.length;
      }),
    );
  }

  /** Active products past their expiry (not renewed) become EXPIRED, unless a bank transfer for their renewal is on its way. */
  async expireProducts(ctx: RequestContext, now: Date): Promise<number> {
    return ctx.transaction(async (ctx) => {
      const due = await ctx.em.find(ProductEntity, {
        select: { id: true },
        where: { status: ProductStatus.ACTIVE, expiresAt: LessThanOrEqual(now) },
        lock: writeLock(ctx.em),
      });
      const waiting = await this.renewals.awaitingTransfer(
        ctx,
        due.map((p) => p.id),
      );
      const ids = due.map((p) => p.id).filter((id) => !waiting.has(id));
      if (ids.length)
        await ctx.em.update(
          ProductEntity,
          { id: In(ids) },
          { status: ProductStatus.EXPIRED, nextRenewalAttemptAt: null },
        );
      return ids.length;
    });
  }

  /**
   * Expiry notices (R14): for each active product, one mail when it enters the organization's
   * notice window (30 and 7 days by default); a product first seen inside several windows gets one
   * mail, for the nearest.
   */
  async sendExpiryNotices(ctx: RequestContext, now: Date): Promise<number> {
    const widest = Math.max(MAX_NOTICE_DAYS, ...this.config.expiryNoticeDays);
    const soon = await ctx.em.find(ProductEntity, {
      where: { status: ProductStatus.ACTIVE, expiresAt: And(MoreThan(now), LessThanOrEqual(addDays(now, widest))) },
      order: { id: 'ASC' },
    });
    let sent = 0;
    for (const product of soon) {
      const organization = await ctx.loaders.organization.load(product.organizationId);
      const days = noticeDaysFor(organization, this.config).filter(
        (d) => product.expiresAt.getTime() - now.getTime() <= d * DAY_MS,
      );
      if (!days.length) continue;
      const nearest = Math.min(...days);
      const claimed = await ctx.transaction(async (ctx) => {
        let fresh = false;
        for (const d of days)
          fresh =
            (await claimNotice(
              ctx,
              product.organizationId,
              `expiry:${product.id}:${product.expiresAt.toISOString()}:${d}`,
            )) || fresh;
        return fresh;
      });
      if (!claimed) continue;
      const left = Math.ceil((product.expiresAt.getTime() - now.getTime()) / DAY_MS);
      const renewal = product.autoRenew
        ? 'Auto-renewal is on: we will charge your stored payment method before it expires.'
        : `Auto-renewal is off: renew it (${formatDecimal(product.price)} ${product.currency}) before it expires to keep it.`;
      await mailBillingContacts(
        ctx,
        this.mailer,
        product.organizationId,
        `${product.name} expires in ${left} day${left === 1 ? '' : 's'}`,
        [
          `${product.name} (${product.type}) expires on ${product.expiresAt.toISOString().slice(0, 10)} (within ${nearest} days).`,
          renewal,
        ].join('\n\n'),
      );
      sent += 1;
    }
    return sent;
  }

  private async productsOf(ctx: RequestContext, invoiceId: number, status: ProductStatus): Promise<ProductEntity[]> {
    const lines = await ctx.em.findBy(InvoiceLineEntity, { invoiceId });
    const ids = lines.map((l) => l.productId).filter((id): id is number => id !== null);
    return ids.length ? ctx.em.find(ProductEntity, { where: { id: In(ids), status }, lock: writeLock(ctx.em) }) : [];
  }
}

/** The organization's own notice days, or the configured default. */
function noticeDaysFor(organization: OrganizationEntity | null, config: RenewalConfig): number[] {
  return organization?.expiryNoticeDays?.length ? organization.expiryNoticeDays : config.expiryNoticeDays;
}
