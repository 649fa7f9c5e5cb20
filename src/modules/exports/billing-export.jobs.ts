import type { Job } from '../../jobs/job';
import type { BillingExportService } from './billing-export.service';

/** R33: a finished export's file is deleted once its 24-hour link expired. */
export function expireBillingExportsJob(exports: BillingExportService): Job {
  return { name: 'expire-billing-exports', run: (ctx, now) => exports.expire(ctx, now) };
}
