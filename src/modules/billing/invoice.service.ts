import { computeInvoiceLine, InvoiceLineAmounts, sumInvoice } from '../../calc/invoice-line';
import { addDays } from '../../calc/periods';
import { vatRateFor } from '../../calc/vat';
import { RequestContext } from '../../context';
import { transaction, writeLock } from '../../db/transaction';
import { PageArgs } from '../../graphql/connection';
import { hasPermission } from '../access/permissions';
import { OrganizationEntity } from '../organizations/organization.entity';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { BillingConfig } from './billing.config';
import type { BillingEvents } from './billing.events';
import { InvoiceCounterEntity } from './invoice-counter.entity';
import { InvoiceLineEntity } from './invoice-line.entity';
import { formatInvoiceNumber, invoiceYear } from './invoice-number';
import { renderInvoicePdf } from './invoice-pdf';
import { invoicePdfView } from './invoice-pdf-view';
import { InvoiceEntity, InvoiceStatus, InvoiceSubject } from './invoice.entity';
import { PayerResolver, selfPayer } from './payer-resolver';

/** A line to invoice, already priced (calc/computeInvoiceLine). Amounts in minor units. */
export interface InvoiceLineDraft extends InvoiceLineAmounts {
  description: string;
  productType: ProductType | null;
  billingPeriod: BillingPeriod | null;
  productId: number | null;
  orderLineId: number | null;
  quantity: number;
  vatRateBp: number;
  periodStart: string | null;
  periodEnd: string | null;
}

export interface InvoiceDraft {
  /** The organization whose products are invoiced; who pays is the PayerResolver's decision (R31). */
  organizationId: number;
  /** What the invoice bills (an order, a product's renewal, ...) and its id; listeners of billing's events act on it. */
  subject: InvoiceSubject;
  subjectId: number;
  currency: string;
  lines: InvoiceLineDraft[];
  /** Defaults to issue time + invoiceDueDays; a renewal is due when the product expires. */
  dueAt?: Date;
}

export interface InvoiceListFilter {
  status?: InvoiceStatus | null;
  /** Inclusive calendar days (YYYY-MM-DD, UTC). */
  issuedFrom?: string | null;
  issuedTo?: string | null;
}

/**
 * Invoices (R18, R20): issuing with gapless yearly numbers, reading under billing rights.
 * Amounts are integer minor units; VAT rates are bp from the billing configuration.
 */
export class InvoiceService {
  /** Years whose counter row is known to exist (skips the INSERT on the hot path). */
  private readonly countedYears = new Set<number>();

  constructor(
    readonly config: BillingConfig,
    private readonly events: BillingEvents,
    /** Who pays each new invoice (the partner program's, wired in services.ts). */
    private readonly payers: PayerResolver = selfPayer,
  ) {}

  /** VAT rate in bp for a customer in `country` (R20: configuration, reverse charge outside the table). */
  vatRateFor(country: string): number {
    return vatRateFor(country, this.config.vatTable, this.config.vatFallbackBp);
  }

  /**
   * Creates the year's counter row if missing, in its own statement. Call it before opening the
   * issuing transaction: creating it there would make concurrent first issuers of a year deadlock
   * on MySQL (gap locks). Inside a transaction it does nothing and `issue` creates the row itself.
   */
  async prepareIssue(ctx: RequestContext, at: Date): Promise<void> {
    const year = invoiceYear(at);
    if (this.countedYears.has(year) || ctx.em.queryRunner?.isTransactionActive) return;
    await transaction(ctx.dataSource, ctx.dataSource.manager, (em) =>
      em.createQueryBuilder().insert().into(InvoiceCounterEntity).values({ year, lastNumber: 0 }).orIgnore().execute(),
    );
    this.countedYears.add(year);
  }

  /**
   * Issues an invoice inside the caller's transaction: asks the PayerResolver who pays (the
   * organization, or its partner with the partner's discounts re-applied to every line, R30/R31),
   * takes the next number of the year (the counter row stays locked until commit, a rollback gives
   * the number back), stores it OPEN with its lines and totals, due after `invoiceDueDays`, and
   * publishes `issued` in that transaction. The payer is fixed here for good: a later change of
   * billing mode leaves issued invoices with theirs.
   */
  async issue(ctx: RequestContext, draft: InvoiceDraft): Promise<InvoiceEntity> {
    return ctx.transaction(async (ctx) => {
      const issuedAt = ctx.now();
      const decision = await this.payers.resolve(ctx, draft);
      const lines = decision.lineRates ? repriced(draft.lines, decision.lineRates) : draft.lines;
      const number = await this.nextNumber(ctx, invoiceYear(issuedAt));
      const totals = sumInvoice(lines);
      const invoice = await ctx.em.save(
        ctx.em.create(InvoiceEntity, {
          organizationId: draft.organizationId,
          billedToOrganizationId: decision.billedToOrganizationId,
          payer: decision.payer,
          subject: draft.subject,
          subjectId: draft.subjectId,
          orderId: draft.subject === InvoiceSubject.ORDER ? draft.subjectId : null,
          number,
          status: InvoiceStatus.OPEN,
          currency: draft.currency,
          issuedAt,
          dueAt: draft.dueAt ?? addDays(issuedAt, this.config.invoiceDueDays),
          paidAt: null,
          ...totals,
          amountPaid: 0,
          createdAt: issuedAt,
        }),
      );
      await ctx.em.insert(
        InvoiceLineEntity,
        lines.map((line, position) => ({
          ...line,
          invoiceId: invoice.id,
          organizationId: draft.organizationId,
          position,
        })),
      );
      await this.events.emit('issued', { ctx, invoice });
      return invoice;
    });
  }

  private async nextNumber(ctx: RequestContext, year: number): Promise<string> {
    const counter = await ctx.em.findOne(InvoiceCounterEntity, { where: { year }, lock: writeLock(ctx.em) });
    const next = (counter?.lastNumber ?? 0) + 1;
    if (counter) await ctx.em.update(InvoiceCounterEntity, { year }, { lastNumber: next });
    else await ctx.em.insert(InvoiceCounterEntity, { year, lastNumber: next });
    return formatInvoiceNumber(year, next);
  }

  /**
   * Invoices billed to an organization (R18), newest last; needs billing rights. A partner's list
   * holds the invoices of its PARTNER_PAYS clients too, and a client's list leaves them out (R31).
   */
  async list(ctx: RequestContext, organizationId: number, page: PageArgs, filter: InvoiceListFilter = {}) {
    await ctx.access.require(organizationId, 'viewBilling');
    // Batched across organizations (one statement for all of a query's Organization.invoices), by payer.
    return ctx.loaders.connections.load(
      {
        name: `Organization.invoices:${filter.status ?? ''}:${filter.issuedFrom ?? ''}:${filter.issuedTo ?? ''}`,
        entity: InvoiceEntity,
        alias: 'i',
        parent: 'billedToOrganizationId',
        where: (query) => {
          if (filter.status) query.andWhere('i.status = :status', { status: filter.status });
          if (filter.issuedFrom)
            query.andWhere('i.issuedAt >= :from', { from: new Date(`${filter.issuedFrom}T00:00:00.000Z`) });
          if (filter.issuedTo)
            query.andWhere('i.issuedAt < :to', { to: addDays(new Date(`${filter.issuedTo}T00:00:00.000Z`), 1) });
        },
      },
      { parentId: organizationId, page },
    );
  }

  /** The invoice if the viewer has billing rights in the organization billed; null when unknown or out of reach. */
  async findAccessible(ctx: RequestContext, invoiceId: number): Promise<InvoiceEntity | null> {
    const invoice = await ctx.em.findOneBy(InvoiceEntity, { id: invoiceId });
    return invoice && (await this.canView(ctx, invoice)) ? invoice : null;
  }

  /**
   * Billing rights in the organization billed (DESIGN section 8, rule 3): the client for its own
   * invoices, the partner for those it pays (R31: billed to, and visible to, the partner only).
   */
  async canView(ctx: RequestContext, invoice: InvoiceEntity): Promise<boolean> {
    return hasPermission(await ctx.access.forOrganization(invoice.billedToOrganizationId), 'viewBilling');
  }

  /** Invoice.lines of an invoice the viewer was shown: batched across invoices (one query per tick). */
  linesOfShown(ctx: RequestContext, invoiceId: number): Promise<InvoiceLineEntity[]> {
    return ctx.loaders.invoiceLines.load(invoiceId);
  }

  linesOf(ctx: RequestContext, invoiceId: number): Promise<InvoiceLineEntity[]> {
    return ctx.em.find(InvoiceLineEntity, { where: { invoiceId }, order: { position: 'ASC' } });
  }

  findByOrder(ctx: RequestContext, orderId: number): Promise<InvoiceEntity | null> {
    return ctx.em.findOneBy(InvoiceEntity, { orderId });
  }

  /**
   * The invoice as a PDF (R18) under the same rules as reading it: 'not-found' for an unknown id,
   * 'forbidden' without billing rights in the organization billed (another tenant included).
   */
  async pdf(ctx: RequestContext, invoiceId: number): Promise<{ number: string; pdf: Buffer } | 'not-found'> {
    // Missing, another tenant's, or without billing rights: one answer, so ids reveal nothing (issue 9).
    const invoice = await ctx.em.findOneBy(InvoiceEntity, { id: invoiceId });
    if (!invoice || !(await this.canView(ctx, invoice))) return 'not-found';
    const [lines, billedTo] = await Promise.all([
      this.linesOf(ctx, invoice.id),
      ctx.em.findOneByOrFail(OrganizationEntity, { id: invoice.billedToOrganizationId }),
    ]);
    return {
      number: invoice.number,
      pdf: await renderInvoicePdf(invoicePdfView(this.config, invoice, lines, billedTo)),
    };
  }
}

/**
 * The lines priced again from their list amount with the payer's discounts (R30), rounded per line
 * (R20) exactly as calc/invoice-line prices any line: the list amount already holds the quantity.
 */
function repriced(
  lines: readonly InvoiceLineDraft[],
  rates: ReadonlyArray<{ degressiveBp: number; partnerBp: number }>,
): InvoiceLineDraft[] {
  return lines.map((line, i) => ({
    ...line,
    ...computeInvoiceLine({
      unitListAmount: line.listAmount,
      quantity: 1,
      degressiveBp: rates[i].degressiveBp,
      partnerBp: rates[i].partnerBp,
      vatBp: line.vatRateBp,
    }),
  }));
}
