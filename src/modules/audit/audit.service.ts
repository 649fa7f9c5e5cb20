import { RequestContext } from '../../context';
import { PageArgs, paginate } from '../../graphql/connection';
import { hasPermission } from '../access/permissions';
import { AuditEventEntity } from './audit-event.entity';

/** The audit log of access changes, one stream per organization. */
export class AuditService {
  /** Records an event in the caller's transaction; actor and channel come from the context. */
  async record(ctx: RequestContext, organizationId: number, action: string, target: string): Promise<void> {
    await ctx.em.insert(AuditEventEntity, {
      organizationId,
      actorId: ctx.viewer?.user.id ?? null,
      action,
      target: target.slice(0, 255),
      via: ctx.viewer?.via ?? 'system',
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
