import type { Job } from '../../jobs/runner';

/** R25: grants close by themselves 7 days after they were given. */
export const expireSupportGrantsJob: Job = {
  name: 'expire-support-grants',
  run: (ctx, now) => ctx.services.supportAccess.expireGrants(ctx, now),
};
