import type { Job } from '../../jobs/runner';

/** R24: verification data is deleted 72 h after submission if unhandled, and when a link expires unfinished. */
export const purgeIdentityVerificationsJob: Job = {
  name: 'purge-identity-verifications',
  run: (ctx, now) => ctx.services.verificationReviews.purgeDue(ctx, now),
};
