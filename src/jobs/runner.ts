import type { RequestContext } from '../context';

/** A scheduled sweep: idempotent, so running it twice for the same `now` changes nothing the second time. */
export interface Job {
  name: string;
  /** Returns how many items it changed. */
  run(ctx: RequestContext, now: Date): Promise<number>;
}

/** Every sweep, in the order they run. Modules add theirs here. */
export const JOBS: Job[] = [];

export interface JobRun {
  name: string;
  changed: number;
}

/** Runs every due sweep once, as of `now`. */
export async function runJobs(ctx: RequestContext, now: Date, jobs: Job[] = JOBS): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const job of jobs) runs.push({ name: job.name, changed: await job.run(ctx, now) });
  return runs;
}
