import type { Job } from '../../jobs/job';
import type { VerificationReviewService } from './verification-review.service';

/** R24: verification data is deleted 72 h after submission if unhandled, and when a link expires unfinished. */
export function purgeIdentityVerificationsJob(reviews: VerificationReviewService): Job {
  return { name: 'purge-identity-verifications', run: (ctx, now) => reviews.purgeDue(ctx, now) };
}
