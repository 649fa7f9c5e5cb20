import type { Job } from '../../jobs/job';
import type { CommissionService } from './commission.service';

/** R35: pending commissions become APPROVED after 30 days; approved ones are paid monthly once they reach 50. */
export function affiliateCommissionsJob(commissions: CommissionService): Job {
  return { name: 'affiliate-commissions', run: (ctx, now) => commissions.approveAndPayDue(ctx, now) };
}
