import type { Job } from '../../jobs/job';
import type { OrderService } from './order.service';

/** R22: blocked orders still unanswered at autoCancelAt are cancelled and refunded in full. */
export function cancelBlockedOrdersJob(orders: OrderService): Job {
  return { name: 'cancel-blocked-orders', run: (ctx, now) => orders.cancelDueBlocked(ctx, now) };
}
