import { RequestContext } from '../../context';
import { PageArgs, paginate } from '../../graphql/connection';
import { hasPermission } from '../access/permissions';
import { AuditEventEntity } from './audit-event.entity';

/** The audit log of access changes, one stream per organization. */
export class AuditService {
  /**
   * Records an event in the caller's transaction; actor and channel come from the context. A change a
   * partner makes in a client organization through delegated access names the relationship in `via`
   * (e.g. "login, partner relationship:12"), so the client sees who acted for whom (section 8).
   */
  async record(ctx: RequestContext, organizationId: number, action: string, target: string): Promise<void> {
    const access = ctx.access.known(organizationId);
    const delegated = access?.via === 'PARTNER' ? `, partner relationship:${access.relationshipId}` : '';
    await ctx.em.insert(AuditEventEntity, {
      organizationId,
      actorId: ctx.viewer?.user.id ?? null,
      action,
      target: target.slice(0, 255),
      via: `${ctx.viewer?.via ?? 'system'}${delegated}`.slice(0, 120),
      createdAt: ctx.now(),
    });
  }

  /** One event, if the viewer may read its organization's audit log. */
  async findVisible(ctx: RequestContext, eventId: number): Promise<AuditEventEntity | null> {
    const event = await ctx.em.findOneBy(AuditEventEntity, { id: eventId });
    return event && hasPermission(await ctx.access.forOrganization(event.organizationId), 'manageMembers')
      ? event
      : null;
  }

  async list(ctx: RequestContext, organizationId: number, page: PageArgs) {
    await ctx.access.require(organizationId, 'manageMembers');
    const query = ctx.em
      .createQueryBuilder(AuditEventEntity, 'e')
      .where('e.organizationId = :organizationId', { organizationId });
    return paginate(query, page, (e) => e);
  }
}
