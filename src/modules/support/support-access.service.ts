import { IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { requireEmail, requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import { StaffRole } from '../accounts/user.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { DEFAULT_SUPPORT_ACCESS_CONFIG, grantExpiry, SupportAccessConfig } from './support-access.config';
import { SupportAccessErrorCode } from './support-access.errors';
import { isGrantActive, SupportAccessGrantEntity, SupportAccessScope } from './support-access-grant.entity';
import type { AuditService } from '../audit/audit.service';

const RESOURCE_FIELD = ['input', 'resource'];

/** What the audit log names: the grant and the one resource it covers. */
const describe = (grant: SupportAccessGrantEntity) =>
  `support_access_grant:${grant.id} (${grant.scope} ${grant.resource})`;

/** The canonical form of a resource for its scope (emails trimmed and lower-cased), or a BusinessError. */
export function normalizeResource(scope: SupportAccessScope, resource: string): string {
  if (scope === SupportAccessScope.MAIL_ADDRESS) return requireEmail(resource, RESOURCE_FIELD);
  return requireText(resource, RESOURCE_FIELD, { max: 255, label: 'resource' });
}

/**
 * Support access grants (R25): an organization's administrators give platform support temporary
 * access to exactly one mail address, kDrive folder, kChat discussion or email message. A grant
 * covers nothing but its own scope and resource, can be revoked at any time and closes by itself
 * `grantDays` (7) days after it was given. Support staff read content only under an active grant,
 * and every read is written to the organization's audit log.
 */
export class SupportAccessService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: SupportAccessConfig = DEFAULT_SUPPORT_ACCESS_CONFIG,
  ) {}

  /**
   * Grants support access to one resource. A second grant for the same scope and resource while
   * one is active is refused (GRANT_ALREADY_ACTIVE): revoke it first or let it close.
   */
  async grant(
    ctx: RequestContext,
    organizationId: number,
    scope: SupportAccessScope,
    resource: string,
  ): Promise<SupportAccessGrantEntity> {
    await ctx.access.require(organizationId, 'grantSupportAccess');
    const normalized = normalizeResource(scope, resource);
    return ctx.transaction(async (ctx) => {
      // Serializes grants of one organization on MySQL, so a double submit cannot open two.
      await ctx.em.findOne(OrganizationEntity, { where: { id: organizationId }, lock: writeLock(ctx.em) });
      const now = ctx.now();
      if (await this.findActive(ctx, organizationId, scope, normalized)) {
        throw new BusinessError(
          SupportAccessErrorCode.GRANT_ALREADY_ACTIVE,
          `Support already has active access to this ${scope} resource.`,
          RESOURCE_FIELD,
        );
      }
      const grant = ctx.em.create(SupportAccessGrantEntity, {
        organizationId,
        scope,
        resource: normalized,
        grantedById: ctx.user.id,
        grantedAt: now,
        expiresAt: grantExpiry(now, this.config),
        revokedAt: null,
        closedAt: null,
      });
      await ctx.em.save(grant);
      await this.audit.record(ctx, organizationId, 'support_access.granted', describe(grant));
      return grant;
    });
  }

  /** Revokes an active grant at once (NOT_FOUND, also for another organization's, GRANT_NOT_ACTIVE). */
  async revoke(ctx: RequestContext, grantId: number): Promise<SupportAccessGrantEntity> {
    return ctx.transaction(async (ctx) => {
      const found = await ctx.em.findOne(SupportAccessGrantEntity, { where: { id: grantId }, lock: writeLock(ctx.em) });
      await ctx.access.requireFound(
        found?.organizationId,
        'grantSupportAccess',
        () => new BusinessError(SupportAccessErrorCode.NOT_FOUND, 'No such support access grant.', ['input', 'id']),
      );
      const grant = found!;
      const now = ctx.now();
      if (!isGrantActive(grant, now))
        throw new BusinessError(
          SupportAccessErrorCode.GRANT_NOT_ACTIVE,
          'This grant was already revoked or has expired.',
          ['input', 'id'],
        );
      grant.revokedAt = now;
      grant.closedAt = now;
      await ctx.em.update(SupportAccessGrantEntity, { id: grant.id }, { revokedAt: now, closedAt: now });
      await this.audit.record(ctx, grant.organizationId, 'support_access.revoked', describe(grant));
      return grant;
    });
  }

  /**
   * Organization.supportAccessGrants, newest first: active ones, or every one with `includeClosed`.
   * Empty for viewers without grantSupportAccess there (the Manager greys the section out).
   */
  async list(ctx: RequestContext, organizationId: number, includeClosed: boolean): Promise<SupportAccessGrantEntity[]> {
    if (!hasPermission(await ctx.access.forOrganization(organizationId), 'grantSupportAccess')) return [];
    const where = includeClosed
      ? { organizationId }
      : { organizationId, revokedAt: IsNull(), expiresAt: MoreThan(ctx.now()) };
    return ctx.em.find(SupportAccessGrantEntity, { where, order: { id: 'DESC' } });
  }

  /** For node(id): the grant when the viewer may grant support access in its organization. */
  async findVisible(ctx: RequestContext, grantId: number): Promise<SupportAccessGrantEntity | null> {
    const grant = await ctx.em.findOneBy(SupportAccessGrantEntity, { id: grantId });
    return grant && hasPermission(await ctx.access.forOrganization(grant.organizationId), 'grantSupportAccess')
      ? grant
      : null;
  }

  /**
   * R25, for content modules: lets a platform staff user (SUPPORT or ADMIN) read one resource of an
   * organization only while an active grant covers exactly that scope and resource, and writes the
   * read (support_access.read) to the organization's audit log. Anything else is FORBIDDEN and
   * leaves no trace.
   */
  async readUnderGrant(
    ctx: RequestContext,
    organizationId: number,
    scope: SupportAccessScope,
    resource: string,
  ): Promise<SupportAccessGrantEntity> {
    const staffRole = ctx.viewer?.user.staffRole;
    if (staffRole !== StaffRole.SUPPORT && staffRole !== StaffRole.ADMIN)
      throw new ForbiddenError('Only platform support staff read customer content.');
    let normalized: string;
    try {
      normalized = normalizeResource(scope, resource);
    } catch {
      throw noGrant();
    }
    return ctx.transaction(async (ctx) => {
      const grant = await this.findActive(ctx, organizationId, scope, normalized);
      if (!grant) throw noGrant();
      await this.audit.record(ctx, organizationId, 'support_access.read', `${describe(grant)} read`);
      return grant;
    });
  }

  /** The sweep: closes grants past their expiry (closedAt = expiresAt) and audits each; idempotent. */
  async expireGrants(ctx: RequestContext, now: Date): Promise<number> {
    return ctx.transaction(async (ctx) => {
      const due = await ctx.em.find(SupportAccessGrantEntity, {
        where: { closedAt: IsNull(), expiresAt: LessThanOrEqual(now) },
        order: { id: 'ASC' },
        lock: writeLock(ctx.em),
      });
      let closed = 0;
      for (const grant of due) {
        const result = await ctx.em.update(
          SupportAccessGrantEntity,
          { id: grant.id, closedAt: IsNull() },
          { closedAt: grant.expiresAt },
        );
        if (!result.affected) continue;
        await this.audit.record(ctx, grant.organizationId, 'support_access.expired', describe(grant));
        closed += 1;
      }
      return closed;
    });
  }

  /**
   * The active grant for exactly this scope and resource. Resources are compared in code, not in SQL,
   * because MySQL's default collation would match "Folder" with "folder " and SQLite would not.
   */
  private async findActive(
    ctx: RequestContext,
    organizationId: number,
    scope: SupportAccessScope,
    resource: string,
  ): Promise<SupportAccessGrantEntity | null> {
    const now = ctx.now();
    const candidates = await ctx.em.find(SupportAccessGrantEntity, {
      where: { organizationId, scope, resource, revokedAt: IsNull(), expiresAt: MoreThan(now) },
    });
    return candidates.find((g) => g.resource === resource && isGrantActive(g, now)) ?? null;
  }
}

const noGrant = () => new ForbiddenError('No active support access grant covers this resource.');
