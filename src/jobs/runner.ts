import type { RequestContext } from '../context';
import { cancelBlockedOrdersJob } from '../modules/orders/cancel-blocked-orders.job';
import { renewalJobs } from '../modules/renewals/renewal.jobs';
import { expireSupportGrantsJob } from '../modules/support/support-access.jobs';
import { purgeIdentityVerificationsJob } from '../modules/identity/purge-verifications.job';
import { closeOfferRequestsJob } from '../modules/directory/directory.jobs';
import { expireBillingExportsJob } from '../modules/exports/billing-export.jobs';
import { expireRelationshipRequestsJob } from '../modules/partners/relationship-expiry.job';
import { affiliateCommissionsJob } from '../modules/affiliates/affiliate.jobs';
import { creditCashbackJob } from '../modules/partners/cashback.job';
import type { Services } from '../services';
import type { Job } from './job';
import { databaseJobLock, JobLock, withJobLock } from './lock';

export type { Job } from './job';

/** Every sweep, in the order they run, bound to the wired services. Modules add theirs here. */
export function createJobs(services: Services): Job[] {
  return [
    ...renewalJobs(services.renewals, services.productLifecycle),
    cancelBlockedOrdersJob(services.orders),
    // After the cancellations: a blocked order cancelled now closes its verification in the same run.
    purgeIdentityVerificationsJob(services.verificationReviews),
    expireSupportGrantsJob(services.supportAccess),
    closeOfferRequestsJob(services.offers),
    expireBillingExportsJob(services.billingExports),
    expireRelationshipRequestsJob(services.relationshipChanges),
    affiliateCommissionsJob(services.commissions),
    creditCashbackJob(services.cashback),
  ];
}

export interface JobRun {
  name: string;
  /** How many items the job changed; 0 when skipped or failed. */
  changed: number;
  /** Set when another instance held the job's lock, so this run left the job to it. */
  skipped?: true;
  /** Set when the job threw: its transaction rolled back, the other jobs still ran. */
  error?: Error;
}

export interface RunJobsOptions {
  /** Defaults to the database lock on `ctx.dataSource`; pass the Redis lock when REDIS_URL is set (createJobLock). */
  lock?: JobLock;
  /** How long a lock is held before it counts as abandoned (it is extended while the job runs). */
  lockTtlMs?: number;
}

export const DEFAULT_JOB_LOCK_TTL_MS = 5 * 60_000;

/** The one lock a whole sweep run holds. */
export const SWEEP_LOCK = 'sweeps';

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * Runs every due sweep once, as of `now`, in order, holding one lock for the whole run: the order
 * holds across instances too (issue 9: with a lock per job, a second instance sent expiry notices
 * while the first was still charging the renewals). An instance that finds the lock held reports
 * every job skipped and leaves the run to the holder. A failing job does not stop the ones after it;
 * a lock that cannot be taken (Redis unreachable) fails every job rather than running unlocked.
 */
export async function runJobs(
  ctx: RequestContext,
  now: Date,
  jobs: Job[],
  options: RunJobsOptions = {},
): Promise<JobRun[]> {
  const lock = options.lock ?? databaseJobLock(ctx.dataSource);
  // Sweeps act for the platform, and everything they write is dated `now` (jobs:run --now).
  const jobCtx = ctx.asSystem().at(now);
  try {
    const result = await withJobLock(lock, SWEEP_LOCK, options.lockTtlMs ?? DEFAULT_JOB_LOCK_TTL_MS, async () => {
      const runs: JobRun[] = [];
      for (const job of jobs) {
        try {
          runs.push({ name: job.name, changed: await job.run(jobCtx, now) });
        } catch (error) {
          runs.push({ name: job.name, changed: 0, error: asError(error) });
        }
      }
      return runs;
    });
    return result.ran ? result.value : jobs.map((job) => ({ name: job.name, changed: 0, skipped: true as const }));
  } catch (error) {
    return jobs.map((job) => ({ name: job.name, changed: 0, error: asError(error) }));
  }
}
