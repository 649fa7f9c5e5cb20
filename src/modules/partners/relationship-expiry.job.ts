import type { Job } from '../../jobs/job';
import type { RelationshipChangesService } from './relationship-changes.service';

/** R31: partner relationship requests unanswered for 14 days expire (both sides mailed). */
export function expireRelationshipRequestsJob(relationships: RelationshipChangesService): Job {
  return { name: 'expire-relationship-requests', run: (ctx, now) => relationships.expirePending(ctx, now) };
}
