import type { RequestContext } from '../context';

/** A scheduled sweep: idempotent, so running it twice for the same `now` changes nothing the second time. */
export interface Job {
  name: string;
  /** Returns how many items it changed. */
  run(ctx: RequestContext, now: Date): Promise<number>;
}
