import type { Job } from '../../jobs/job';
import type { ProductLifecycleService } from './product-lifecycle.service';
import type { RenewalService } from './renewal.service';

/**
 * The product sweeps, in order: charge due renewals first (a paid renewal never gets blocked),
 * then block what is overdue, cancel what stayed unpaid, expire what was not renewed, and send
 * the expiry notices.
 */
export function renewalJobs(renewals: RenewalService, lifecycle: ProductLifecycleService): Job[] {
  return [
    { name: 'renew-products', run: (ctx, now) => renewals.renewDue(ctx, now) },
    { name: 'block-overdue', run: (ctx, now) => lifecycle.blockOverdue(ctx, now) },
    { name: 'cancel-unpaid-products', run: (ctx, now) => lifecycle.cancelLongOverdue(ctx, now) },
    { name: 'expire-products', run: (ctx, now) => lifecycle.expireProducts(ctx, now) },
    { name: 'expiry-notices', run: (ctx, now) => lifecycle.sendExpiryNotices(ctx, now) },
  ];
}
