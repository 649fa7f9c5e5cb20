import type { Job } from '../../jobs/runner';

/** R22: blocked orders still unanswered at autoCancelAt are cancelled and refunded in full. */
export const cancelBlockedOrdersJob: Job = {
  name: 'cancel-blocked-orders',
  run: (ctx, now) => ctx.services.orders.cancelDueBlocked(ctx, now),
};
