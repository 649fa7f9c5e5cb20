import type { Job } from '../../jobs/job';
import type { SupportAccessService } from './support-access.service';

/** R25: grants close by themselves 7 days after they were given. */
export function expireSupportGrantsJob(supportAccess: SupportAccessService): Job {
  return { name: 'expire-support-grants', run: (ctx, now) => supportAccess.expireGrants(ctx, now) };
}
