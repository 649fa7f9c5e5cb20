/**
 * What happens to an order after it was placed: completion once paid (products created, R8, R10),
 * unblocking, cancellation of a blocked order with a full refund (R22). Each function runs inside
 * the caller's transaction and locks the order row first.
 */
import { In } from 'typeorm';
import { addBillingPeriod } from '../../calc/periods';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError } from '../../graphql/errors';
import type { InvoicePaymentService } from '../billing/invoice-payment.service';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import type { InvoiceService } from '../billing/invoice.service';
import { ProductEntity, ProductStatus, ProductType } from '../products/product.entity';
import { OrderEntity, OrderLineEntity, OrderStatus } from './order.entity';
import { OrderErrorCode } from './order.errors';

/** The billing services the lifecycle uses (OrderService passes its own). */
export interface OrderBilling {
  invoices: InvoiceService;
  invoicePayments: InvoicePaymentService;
}

/** Product statuses under which a domain name is still registered to someone. */
const HOLDING = [ProductStatus.ACTIVE, ProductStatus.BLOCKED];

export async function lockOrder(ctx: RequestContext, orderId: number): Promise<OrderEntity> {
  const order = await ctx.em.findOne(OrderEntity, { where: { id: orderId }, lock: writeLock(ctx.em) });
  if (!order) throw new BusinessError(OrderErrorCode.ORDER_NOT_FOUND, 'No such order.', ['input', 'orderId']);
  return order;
}

/**
 * DOMAIN_TAKEN when a domain of `names` (canonical) is held by a product (any organization: a
 * domain has one holder). `fieldOf` points the error at the input line.
 */
export async function requireFreeDomains(
  ctx: RequestContext,
  names: string[],
  fieldOf: (name: string) => string[] | undefined,
): Promise<void> {
  if (names.length === 0) return;
  const held = await ctx.em.find(ProductEntity, {
    select: { name: true },
    where: { type: ProductType.DOMAIN, name: In(names), status: In(HOLDING) },
  });
  const taken = names.find((name) => held.some((p) => p.name.toLowerCase() === name.toLowerCase()));
  if (taken)
    throw new BusinessError(OrderErrorCode.DOMAIN_TAKEN, `The domain ${taken} is already registered.`, fieldOf(taken));
}

const domainsOf = (lines: OrderLineEntity[]) =>
  lines.filter((l) => l.productType === ProductType.DOMAIN).map((l) => l.name);

/** Before money moves: the order can still be delivered (not cancelled, its domains still free). */
export async function assertCanComplete(ctx: RequestContext, orderId: number): Promise<void> {
  const order = await ctx.em.findOneByOrFail(OrderEntity, { id: orderId });
  if (order.status === OrderStatus.CANCELLED)
    throw new BusinessError(OrderErrorCode.ORDER_NOT_PAYABLE, `Order #${order.id} was cancelled.`, ['input']);
  const lines = await ctx.em.findBy(OrderLineEntity, { orderId });
  await requireFreeDomains(ctx, domainsOf(lines), () => ['input']);
}

/**
 * The invoice of the order is paid: remember when, and deliver unless the order is blocked (the
 * money is then held until it is unblocked or cancelled, R21/R22). Money that arrives for an order
 * that can no longer be delivered (its domain was registered by someone else while a bank transfer
 * was on its way) is recorded, then the order is cancelled and the money refunded to where it came from.
 */
export async function onInvoicePaid(ctx: RequestContext, billing: OrderBilling, orderId: number): Promise<OrderEntity> {
  const order = await lockOrder(ctx, orderId);
  if (!order.paidAt) order.paidAt = ctx.now();
  if (order.status === OrderStatus.PENDING_PAYMENT) {
    if (await canDeliver(ctx, order)) await complete(ctx, billing, order);
    else await cancelAndRefund(ctx, billing, order);
  }
  await ctx.em.update(
    OrderEntity,
    { id: order.id },
    { paidAt: order.paidAt, status: order.status, completedAt: order.completedAt, cancelledAt: order.cancelledAt },
  );
  return order;
}

async function canDeliver(ctx: RequestContext, order: OrderEntity): Promise<boolean> {
  const lines = await ctx.em.findBy(OrderLineEntity, { orderId: order.id });
  try {
    await requireFreeDomains(ctx, domainsOf(lines), () => undefined);
    return true;
  } catch (error) {
    if (error instanceof BusinessError && error.code === String(OrderErrorCode.DOMAIN_TAKEN)) return false;
    throw error;
  }
}

/** Cancels the order and refunds in full what was paid for it, each part to the method used. */
async function cancelAndRefund(ctx: RequestContext, billing: OrderBilling, order: OrderEntity): Promise<void> {
  const invoice = await billing.invoices.findByOrder(ctx, order.id);
  if (invoice) await billing.invoicePayments.refundInvoice(ctx, invoice.id);
  Object.assign(order, { status: OrderStatus.CANCELLED, cancelledAt: ctx.now() });
}

/**
 * Creates the order's products ACTIVE from now for one billing period at the line's list price;
 * auto-renewal on with the paying method when it supports it (R10). Sets status PAID.
 */
async function complete(ctx: RequestContext, billing: OrderBilling, order: OrderEntity): Promise<void> {
  const now = ctx.now();
  const lines = await ctx.em.find(OrderLineEntity, { where: { orderId: order.id }, order: { position: 'ASC' } });
  await requireFreeDomains(ctx, domainsOf(lines), () => undefined);
  const invoice = await billing.invoices.findByOrder(ctx, order.id);
  const autoRenewMethodId = invoice ? await billing.invoicePayments.autoRenewMethodFor(ctx, invoice.id) : null;
  for (const line of lines) {
    const product = await ctx.em.save(
      ctx.em.create(ProductEntity, {
        organizationId: order.organizationId,
        type: line.productType,
        name: line.name,
        status: ProductStatus.ACTIVE,
        billingPeriod: line.billingPeriod,
        price: line.listPrice,
        currency: order.currency,
        expiresAt: addBillingPeriod(now, line.billingPeriod),
        autoRenew: autoRenewMethodId !== null,
        autoRenewPaymentMethodId: autoRenewMethodId,
        createdAt: now,
      }),
    );
    await ctx.em.update(OrderLineEntity, { id: line.id }, { productId: product.id });
    await ctx.em.update(InvoiceLineEntity, { orderLineId: line.id }, { productId: product.id });
  }
  Object.assign(order, { status: OrderStatus.PAID, completedAt: now });
}

/** R23 hook: the identity was verified. Back to PENDING_PAYMENT, or delivered at once if already paid. */
export async function unblock(ctx: RequestContext, billing: OrderBilling, orderId: number): Promise<OrderEntity> {
  const order = await lockOrder(ctx, orderId);
  if (order.status !== OrderStatus.BLOCKED)
    throw new BusinessError(OrderErrorCode.ORDER_NOT_BLOCKED, `Order #${order.id} is not blocked.`, [
      'input',
      'orderId',
    ]);
  Object.assign(order, { status: OrderStatus.PENDING_PAYMENT, autoCancelAt: null });
  if (order.paidAt) await complete(ctx, billing, order);
  await ctx.em.update(
    OrderEntity,
    { id: order.id },
    { status: order.status, autoCancelAt: null, completedAt: order.completedAt },
  );
  return order;
}

/** R22: cancels a blocked order and refunds in full what was paid for it, each part to the method used. */
export async function cancelBlocked(ctx: RequestContext, billing: OrderBilling, orderId: number): Promise<OrderEntity> {
  const order = await lockOrder(ctx, orderId);
  if (order.status !== OrderStatus.BLOCKED)
    throw new BusinessError(OrderErrorCode.ORDER_NOT_BLOCKED, `Order #${order.id} is not blocked.`, [
      'input',
      'orderId',
    ]);
  await cancelAndRefund(ctx, billing, order);
  await ctx.em.update(OrderEntity, { id: order.id }, { status: order.status, cancelledAt: order.cancelledAt });
  return order;
}
