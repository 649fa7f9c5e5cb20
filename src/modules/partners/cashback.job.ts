import type { Job } from '../../jobs/job';
import type { CashbackService } from './cashback.service';

/** The monthly cashback payout (R30): idempotent per partner and month, safe from several instances. */
export function creditCashbackJob(cashback: CashbackService): Job {
  return { name: 'credit-cashback', run: (ctx, now) => cashback.creditDue(ctx, now) };
}
