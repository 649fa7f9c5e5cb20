import { RequestContext } from '../../context';
import { PageArgs, paginate } from '../../graphql/connection';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { optionalText, requireCountry, requireText, requireUrl } from '../../common/validate';
import { MAX_NOTICE_DAYS, MAX_NOTICES } from '../../calc/renewal-schedule';
import { hasPermission } from '../access/permissions';
import { UserEntity } from '../accounts/user.entity';
import { AddressFields, requireAddress, requireVatNumber } from './address';
import { MembershipEntity } from './membership.entity';
import { OrganizationEntity } from './organization.entity';
import type { AuditService } from '../audit/audit.service';

export interface UpdateOrganizationInput {
  name?: string | null;
  website?: string | null;
  companyRegistrationId?: string | null;
  country?: string | null;
  billingAddress?: AddressFields | null;
  vatNumber?: string | null;
  expiryNoticeDays?: number[] | null;
}

/** Organizations and their details (R1, R4). Memberships live in MembershipService. */
export class OrganizationService {
  constructor(private readonly audit: AuditService) {}

  /** The organization if the viewer reaches it at all; null otherwise (unknown and foreign look alike). */
  async findAccessible(ctx: RequestContext, organizationId: number): Promise<OrganizationEntity | null> {
    if (!(await ctx.access.forOrganization(organizationId))) return null;
    return ctx.em.findOneBy(OrganizationEntity, { id: organizationId });
  }

  /** R4: only a legal representative changes the organization's own details. */
  async update(
    ctx: RequestContext,
    organizationId: number,
    input: UpdateOrganizationInput,
  ): Promise<OrganizationEntity> {
    await ctx.access.require(organizationId, 'editDetails');
    const changes: Partial<OrganizationEntity> = {};
    if (input.name !== undefined && input.name !== null)
      changes.name = requireText(input.name, ['input', 'name'], { max: 120 });
    if (input.website !== undefined)
      changes.website =
        input.website === null || input.website.trim() === '' ? null : requireUrl(input.website, ['input', 'website']);
    if (input.companyRegistrationId !== undefined)
      changes.companyRegistrationId =
        optionalText(input.companyRegistrationId, ['input', 'companyRegistrationId'], { max: 40 }) ?? null;
    if (input.country !== undefined && input.country !== null)
      changes.country = requireCountry(input.country, ['input', 'country']);
    if (input.billingAddress !== undefined)
      changes.billingAddress =
        input.billingAddress && requireAddress(input.billingAddress, ['input', 'billingAddress']);
    if (input.vatNumber !== undefined) changes.vatNumber = requireVatNumber(input.vatNumber, ['input', 'vatNumber']);
    if (input.expiryNoticeDays !== undefined) changes.expiryNoticeDays = noticeDays(input.expiryNoticeDays);
    // Nothing to change (every field absent, or null where null means "keep"): no write, no audit entry.
    if (Object.keys(changes).length === 0) return ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
    return ctx.transaction(async (ctx) => {
      await ctx.em.update(OrganizationEntity, { id: organizationId }, changes);
      await this.audit.record(
        ctx,
        organizationId,
        'organization.updated',
        `organization:${organizationId} (${Object.keys(changes).join(', ')})`,
      );
      return ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
    });
  }

  /** A user the viewer may see: itself, or a member of an organization where the viewer manages members. */
  async findVisibleUser(ctx: RequestContext, userId: number): Promise<UserEntity | null> {
    const viewer = ctx.user;
    if (userId === viewer.id) return viewer;
    const memberships = await ctx.em.findBy(MembershipEntity, { userId });
    for (const m of memberships) {
      if (hasPermission(await ctx.access.forOrganization(m.organizationId), 'manageMembers'))
        return ctx.loaders.user.load(userId);
    }
    return null;
  }

  /**
   * A user's memberships: all of the viewer's own; of another user, only those in organizations where
   * the viewer manages members (as Organization.members and node(Membership) show them).
   */
  async membershipsOfUser(ctx: RequestContext, userId: number, page: PageArgs) {
    const query = ctx.em.createQueryBuilder(MembershipEntity, 'm').where('m.userId = :userId', { userId });
    if (userId !== ctx.user.id) {
      const theirs = await ctx.em.findBy(MembershipEntity, { userId });
      const managed: number[] = [];
      for (const m of theirs)
        if (hasPermission(await ctx.access.forOrganization(m.organizationId), 'manageMembers'))
          managed.push(m.organizationId);
      query.andWhere('m.organizationId IN (:...orgIds)', { orgIds: [0, ...managed] });
    }
    return paginate(query, page, (m) => m);
  }
}

/** R14 billing-message setting: up to three distinct days before expiry, each 1..60; null or [] restores the default. */
function noticeDays(days: number[] | null): number[] | null {
  if (!days || days.length === 0) return null;
  const unique = [...new Set(days)].sort((a, b) => b - a);
  if (unique.length > MAX_NOTICES || unique.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_NOTICE_DAYS)) {
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `expiryNoticeDays takes up to ${MAX_NOTICES} whole days between 1 and ${MAX_NOTICE_DAYS}.`,
      ['input', 'expiryNoticeDays'],
    );
  }
  return unique;
}
