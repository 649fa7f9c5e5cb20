import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../context';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { PartnerEntity, PartnerStatus } from '../partners/partner.entity';
import { DirectoryErrorCode } from './directory.errors';

/**
 * Who acts for a partner in the directory and offers (R34): the members of its organization (any
 * role for proposals; legal representatives and administrators for the listing). Team guests and
 * client-side access never count.
 */
export async function partnerMembership(
  ctx: RequestContext,
  partnerId: number,
  field: string[],
  options: { adminOnly?: boolean } = {},
): Promise<PartnerEntity> {
  const partner = await ctx.em.findOneBy(PartnerEntity, { id: partnerId });
  if (!partner) throw new BusinessError(DirectoryErrorCode.NOT_FOUND, 'No such partner.', field);
  const access = await ctx.access.forOrganization(partner.organizationId);
  const isMember = access?.via === 'MEMBERSHIP' || access?.via === 'SYSTEM';
  const isAdmin =
    access?.via === 'SYSTEM' ||
    (access?.via === 'MEMBERSHIP' &&
      (access.role === MemberRole.LEGAL_REPRESENTATIVE || access.role === MemberRole.ADMINISTRATOR));
  if (!isMember || (options.adminOnly && !isAdmin)) throw new ForbiddenError();
  if (partner.status !== PartnerStatus.ACTIVE)
    throw new BusinessError(DirectoryErrorCode.PARTNER_NOT_ACTIVE, 'Only an ACTIVE partner can do this.', field);
  return partner;
}

/** Ids of the ACTIVE partners whose organization the viewer is a member of (empty for visitors). */
export async function activePartnerIdsOfViewer(ctx: RequestContext): Promise<number[]> {
  if (!ctx.viewer) return [];
  const rows = await ctx.em
    .createQueryBuilder(PartnerEntity, 'p')
    .innerJoin(MembershipEntity, 'm', 'm.organizationId = p.organizationId')
    .where('m.userId = :userId AND p.status = :status', { userId: ctx.viewer.user.id, status: PartnerStatus.ACTIVE })
    .select('p.id', 'id')
    .getRawMany<{ id: number | string }>();
  return rows.map((r) => Number(r.id));
}

/** E-mail addresses of the legal representatives and administrators of these partners' organizations. */
export async function partnerAdminEmails(ctx: RequestContext, partnerIds: number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  if (!partnerIds.length) return result;
  const rows = await ctx.em
    .createQueryBuilder(PartnerEntity, 'p')
    .innerJoin(MembershipEntity, 'm', 'm.organizationId = p.organizationId')
    .innerJoin('user', 'u', 'u.id = m.userId')
    .where('p.id IN (:...partnerIds)', { partnerIds })
    .andWhere('m.role IN (:...roles)', { roles: [MemberRole.LEGAL_REPRESENTATIVE, MemberRole.ADMINISTRATOR] })
    .select(['p.id AS partnerId', 'u.email AS email'])
    .getRawMany<{ partnerId: number | string; email: string }>();
  for (const row of rows) {
    const id = Number(row.partnerId);
    result.set(id, [...(result.get(id) ?? []), row.email]);
  }
  return result;
}

const partnerLoaders = new WeakMap<object, DataLoader<number, PartnerEntity | null>>();

/** Partner rows by id, batched per request (DirectoryListing.partner, Proposal.partner). */
export function loadPartner(ctx: RequestContext, partnerId: number): Promise<PartnerEntity | null> {
  let loader = partnerLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = await ctx.em.findBy(PartnerEntity, { id: In([...ids]) });
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    });
    partnerLoaders.set(ctx.loaders, loader);
  }
  return loader.load(partnerId);
}
