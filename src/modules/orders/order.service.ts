import { In, LessThanOrEqual } from 'typeorm';
import { addDays } from '../../calc/periods';
import { RequestContext } from '../../context';
import { sweepEach } from '../../jobs/sweep';
import { PageArgs } from '../../graphql/connection';
import { BusinessError } from '../../graphql/errors';
import { hasPermission, OrgPermission } from '../access/permissions';
import { UserEntity } from '../accounts/user.entity';
import type { Mailer } from '../../common/mail';
import type { BillingEventMap } from '../billing/billing.events';
import { BillingErrorCode } from '../billing/billing.errors';
import type { InvoicePaymentService, PaymentChoice } from '../billing/invoice-payment.service';
import { InvoiceSubject } from '../billing/invoice.entity';
import type { InvoiceService } from '../billing/invoice.service';
import type { CatalogService } from '../catalog/catalog.service';
import { priceKeyOf } from '../catalog/catalog';
import { PRODUCT_LABELS } from '../catalog/default-prices';
import { OrganizationEntity } from '../organizations/organization.entity';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { DEFAULT_FRAUD_RULES, FraudRules } from './fraud-rules';
import { screenOrder } from './fraud-screening';
import * as lifecycle from './order-lifecycle';
import type { OrderBilling } from './order-lifecycle';
import { normalizeOrderLines, OrderLineRequest } from './order-lines';
import { priceOrder } from './order-pricing';
import { OrderEntity, OrderLineEntity, OrderStatus } from './order.entity';
import { OrderErrorCode } from './order.errors';
import type { UnblockProcedure } from './unblock-procedure';

const periodLabel = (period: BillingPeriod) => (period === BillingPeriod.YEARLY ? '1 year' : '1 month');

/**
 * Orders (R17, R21, R22): placing with fraud screening and its invoice at once, paying, the
 * blocked-order procedure. Amounts are integer minor units of the organization's currency.
 */
export class OrderService {
  private readonly billing: OrderBilling;

  constructor(
    private readonly invoices: InvoiceService,
    private readonly invoicePayments: InvoicePaymentService,
    private readonly catalog: CatalogService,
    private readonly unblockProcedure: UnblockProcedure,
    private readonly mailer: Mailer,
    readonly rules: FraudRules = DEFAULT_FRAUD_RULES,
  ) {
    this.billing = { invoices, invoicePayments };
  }

  /**
   * Places an order (permission 'pay': ordering spends money) and issues its OPEN invoice in the
   * same transaction. A flagged order is BLOCKED until the unblocking procedure or auto-cancel
   * (+10 days); the procedure's mail goes to the placing user's login address.
   */
  async placeOrder(
    ctx: RequestContext,
    organizationId: number,
    input: readonly OrderLineRequest[],
  ): Promise<OrderEntity> {
    await ctx.access.require(organizationId, 'pay');
    const lines = normalizeOrderLines(input);
    const now = ctx.now();
    await this.invoices.prepareIssue(ctx, now);
    const order = await ctx.transaction(async (ctx) => {
      const org = await ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
      const domains = lines.filter((l) => l.productType === ProductType.DOMAIN).map((l) => l.name);
      await lifecycle.requireFreeDomains(ctx, domains, (name) => [
        'input',
        'lines',
        String(lines.findIndex((l) => l.name === name)),
        'name',
      ]);
      const prices = await this.catalog.listPrices(ctx, org.currency, lines);
      const unitPrices = lines.map((l) => prices.get(priceKeyOf({ ...l, currency: org.currency })) as number);
      const vatBp = this.invoices.vatRateFor(org.country);
      const priced = priceOrder(
        unitPrices.map((unitListAmount) => ({ unitListAmount })),
        vatBp,
      );
      const screening = screenOrder(
        { lines, total: priced.totals.total, currency: org.currency, accountCreatedAt: org.createdAt, now },
        this.rules,
      );
      const order = await ctx.em.save(
        ctx.em.create(OrderEntity, {
          organizationId,
          placedByUserId: ctx.user.id,
          status: screening.blocked ? OrderStatus.BLOCKED : OrderStatus.PENDING_PAYMENT,
          currency: org.currency,
          total: priced.totals.total,
          riskScore: screening.score,
          blockedReason: screening.blocked ? `Security check: ${screening.reasons.join('; ')}`.slice(0, 500) : null,
          autoCancelAt: screening.blocked ? addDays(now, this.rules.autoCancelDays) : null,
          unblockMailCount: screening.blocked ? 1 : 0,
          paidAt: null,
          completedAt: null,
          cancelledAt: null,
          createdAt: now,
        }),
      );
      const orderLines = await ctx.em.save(
        lines.map((line, position) =>
          ctx.em.create(OrderLineEntity, {
            ...line,
            orderId: order.id,
            position,
            listPrice: unitPrices[position],
            productId: null,
          }),
        ),
      );
      const invoice = await this.invoices.issue(ctx, {
        organizationId,
        subject: InvoiceSubject.ORDER,
        subjectId: order.id,
        currency: org.currency,
        lines: orderLines.map((line, i) => ({
          ...priced.lines[i],
          description:
            `${PRODUCT_LABELS[line.productType]} ${line.name} (${periodLabel(line.billingPeriod)} from activation)`.slice(
              0,
              255,
            ),
          productType: line.productType,
          billingPeriod: line.billingPeriod,
          productId: null,
          orderLineId: line.id,
          quantity: 1,
          vatRateBp: vatBp,
          periodStart: null,
          periodEnd: null,
        })),
      });
      // A partner that pays is invoiced at its partner price (R30): the order costs what its invoice asks.
      if (invoice.total !== order.total) {
        order.total = invoice.total;
        await ctx.em.update(OrderEntity, { id: order.id }, { total: order.total });
      }
      return order;
    });
    if (order.status === OrderStatus.BLOCKED) await this.mailUnblockProcedure(ctx, order);
    return order;
  }

  /**
   * Pays the order's invoice (see InvoicePaymentService.pay: 'pay' for the organization billed, which
   * is the partner's when it pays, R31). A BLOCKED order may be paid: the money is held, products come
   * when it is unblocked, and a cancellation refunds it in full (R22).
   */
  async payOrder(ctx: RequestContext, orderId: number, choice: PaymentChoice): Promise<OrderEntity> {
    // Reaching the order is enough here: paying needs 'pay' for the organization billed (its partner's, R31).
    const order = await this.getOrThrow(ctx, orderId, 'read');
    const invoice = await this.invoices.findByOrder(ctx, order.id);
    if (!invoice)
      throw new BusinessError(OrderErrorCode.ORDER_NOT_PAYABLE, `Order #${order.id} has no invoice to pay.`, [
        'input',
        'orderId',
      ]);
    await this.invoicePayments.pay(ctx, [invoice.id], choice, ['input', 'orderId']);
    return this.getOrThrow(ctx, orderId, 'pay');
  }

  /** Sends the unblocking procedure's mail again (R21); only for a BLOCKED order. */
  async resendUnblockProcedure(ctx: RequestContext, orderId: number): Promise<OrderEntity> {
    await this.getOrThrow(ctx, orderId, 'pay');
    const order = await ctx.transaction(async (ctx) => {
      const order = await lifecycle.lockOrder(ctx, orderId);
      if (order.status !== OrderStatus.BLOCKED)
        throw new BusinessError(OrderErrorCode.ORDER_NOT_BLOCKED, `Order #${order.id} is not blocked.`, [
          'input',
          'orderId',
        ]);
      order.unblockMailCount += 1;
      await ctx.em.update(OrderEntity, { id: order.id }, { unblockMailCount: order.unblockMailCount });
      return order;
    });
    await this.mailUnblockProcedure(ctx, order);
    return order;
  }

  /** Orders of an organization, oldest first, optionally by status; needs billing rights. */
  async list(ctx: RequestContext, organizationId: number, page: PageArgs, status?: OrderStatus | null) {
    await ctx.access.require(organizationId, 'viewBilling');
    return ctx.loaders.connections.load(
      {
        name: `Organization.orders:${status ?? ''}`,
        entity: OrderEntity,
        alias: 'o',
        parent: 'organizationId',
        where: (query) => {
          if (status) query.andWhere('o.status = :status', { status });
        },
      },
      { parentId: organizationId, page },
    );
  }

  /** The order if the viewer has billing rights in its organization; null otherwise. */
  async findAccessible(ctx: RequestContext, orderId: number): Promise<OrderEntity | null> {
    const order = await ctx.em.findOneBy(OrderEntity, { id: orderId });
    return order && hasPermission(await ctx.access.forOrganization(order.organizationId), 'viewBilling') ? order : null;
  }

  linesOf(ctx: RequestContext, orderId: number): Promise<OrderLineEntity[]> {
    return ctx.em.find(OrderLineEntity, { where: { orderId }, order: { position: 'ASC' } });
  }

  /**
   * Billing `paying` listener, before money moves: every order invoiced can still be delivered. A
   * blocked order may be cancelled with a full refund (R22), and a bank transfer still on its way
   * can only be cancelled whole: so a transfer that pays a blocked order's invoice pays that invoice alone,
   * and money that arrived unannounced (no gateway transaction to refund through) does not pay a blocked order.
   */
  async onInvoicesPaying({
    ctx,
    invoices,
    bankTransfer,
    unannounced,
    field,
  }: BillingEventMap['paying']): Promise<void> {
    const orderIds = invoices.filter((i) => i.subject === InvoiceSubject.ORDER).map((i) => i.subjectId);
    if (bankTransfer && (invoices.length > 1 || unannounced) && orderIds.length) {
      if (await ctx.em.existsBy(OrderEntity, { id: In(orderIds), status: OrderStatus.BLOCKED })) {
        throw new BusinessError(
          BillingErrorCode.INVOICE_NOT_PAYABLE,
          unannounced
            ? 'Money that arrived unannounced for a blocked order is left to staff (it could only go back by hand).'
            : 'A bank transfer for a blocked order must pay that order alone: pay its invoice separately.',
          field,
        );
      }
    }
    for (const orderId of orderIds) await lifecycle.assertCanComplete(ctx, orderId);
  }

  /** Billing `paid` listener: an order's invoice was paid (inside the paying transaction). */
  async onInvoicePaid({ ctx, invoice }: BillingEventMap['paid']): Promise<void> {
    if (invoice.subject === InvoiceSubject.ORDER) await lifecycle.onInvoicePaid(ctx, this.billing, invoice.subjectId);
  }

  /**
   * Identity-verification hook (R23): releases a BLOCKED order. No access check: the caller (staff
   * approving the verification) decides. ORDER_NOT_BLOCKED otherwise.
   */
  unblock(ctx: RequestContext, orderId: number): Promise<OrderEntity> {
    return ctx.transaction((ctx) => lifecycle.unblock(ctx, this.billing, orderId));
  }

  /** R22 hook: cancels a BLOCKED order and refunds its payments in full. No access check (jobs, staff). */
  cancelBlocked(ctx: RequestContext, orderId: number): Promise<OrderEntity> {
    return ctx.transaction((ctx) => lifecycle.cancelBlocked(ctx, this.billing, orderId));
  }

  /**
   * The 10-day sweep (R22): cancels every BLOCKED order whose autoCancelAt ≤ now, each in its own
   * transaction (one failure does not hold back the others; the first is rethrown at the end).
   * Idempotent: an order is re-checked under its lock, so a second run at the same `now` changes nothing.
   */
  async cancelDueBlocked(ctx: RequestContext, now: Date): Promise<number> {
    const due = await ctx.em.find(OrderEntity, {
      select: { id: true },
      where: { status: OrderStatus.BLOCKED, autoCancelAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
    });
    return sweepEach(due, async ({ id }) => {
      const cancelled = await ctx.transaction(async (ctx) => {
        const order = await lifecycle.lockOrder(ctx, id);
        if (order.status !== OrderStatus.BLOCKED || !order.autoCancelAt || order.autoCancelAt > now) return null;
        return lifecycle.cancelBlocked(ctx, this.billing, id);
      });
      if (!cancelled) return 0;
      await this.mailCancelled(ctx, cancelled);
      return 1;
    });
  }

  /** The order when the viewer has `permission` in its organization; another tenant's order is ORDER_NOT_FOUND like a missing one. */
  private async getOrThrow(ctx: RequestContext, orderId: number, permission: OrgPermission): Promise<OrderEntity> {
    const order = await ctx.em.findOneBy(OrderEntity, { id: orderId });
    await ctx.access.requireFound(
      order?.organizationId,
      permission,
      () => new BusinessError(OrderErrorCode.ORDER_NOT_FOUND, 'No such order.', ['input', 'orderId']),
    );
    return order!;
  }

  /** R21: the identity verification's link and QR code, mailed to the login address of the user who placed it. */
  private async mailUnblockProcedure(ctx: RequestContext, order: OrderEntity): Promise<void> {
    await this.unblockProcedure.sendUnblockProcedure(ctx, order.id);
  }

  private async mailCancelled(ctx: RequestContext, order: OrderEntity): Promise<void> {
    const user = await ctx.em.findOneBy(UserEntity, { id: order.placedByUserId });
    if (!user) return;
    await this.mailer.send({
      to: user.email,
      subject: `Your order #${order.id} was cancelled`,
      text: `Order #${order.id} stayed on hold without the unblocking procedure for ${this.rules.autoCancelDays} days, so it was cancelled.\nAny payment for it has been refunded in full to the method used.`,
    });
  }
}
