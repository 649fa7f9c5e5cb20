import type { Job } from '../../jobs/job';
import type { OfferService } from './offer.service';

/** R34 [design]: offer requests close 30 days after they were posted. */
export function closeOfferRequestsJob(offers: OfferService): Job {
  return { name: 'close-offer-requests', run: (ctx, now) => offers.closeExpired(ctx, now) };
}
