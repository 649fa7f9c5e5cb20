import type { Job } from '../../jobs/runner';

/**
 * The product sweeps, in order: charge due renewals first (a paid renewal never gets blocked),
 * then block what is overdue, cancel what stayed unpaid, expire what was not renewed, and send
 * the expiry notices.
 */
export const RENEWAL_JOBS: Job[] = [
  { name: 'renew-products', run: (ctx, now) => ctx.services.renewals.renewDue(ctx, now) },
  { name: 'block-overdue', run: (ctx, now) => ctx.services.productLifecycle.blockOverdue(ctx, now) },
  { name: 'cancel-unpaid-products', run: (ctx, now) => ctx.services.productLifecycle.cancelLongOverdue(ctx, now) },
  { name: 'expire-products', run: (ctx, now) => ctx.services.productLifecycle.expireProducts(ctx, now) },
  { name: 'expiry-notices', run: (ctx, now) => ctx.services.productLifecycle.sendExpiryNotices(ctx, now) },
];
