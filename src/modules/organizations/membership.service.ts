import { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { writeLock } from '../../db/transaction';
import { PageArgs } from '../../graphql/connection';
import { BusinessError, CommonErrorCode, ForbiddenError } from '../../graphql/errors';
import { hasPermission, OrgAccess } from '../access/permissions';
import { UserEntity } from '../accounts/user.entity';
import { TeamEntity, TeamMemberEntity } from '../teams/team.entity';
import { MembershipErrorCode } from './membership.errors';
import { MemberRole, MembershipEntity } from './membership.entity';
import type { AuditService } from '../audit/audit.service';
import type { ProductService } from '../products/product.service';

export interface ContactPreferencesValue {
  billing: boolean;
  technical: boolean;
  administrative: boolean;
}

/** What a membership grants, validated and ready to store (R3). */
export interface MembershipGrant {
  role: MemberRole;
  billingAccess: boolean;
  productIds: number[];
  contactPreferences: ContactPreferencesValue;
}

export interface MembershipChanges {
  role?: MemberRole | null;
  billingAccess?: boolean | null;
  productIds?: number[] | null;
  contactPreferences?: ContactPreferencesValue | null;
}

const LR = MemberRole.LEGAL_REPRESENTATIVE;

/** R5: an administrator cannot appoint, change or remove a legal representative; only a legal representative can. */
export function requireMayTouchLegalRepresentative(access: OrgAccess): void {
  if (access.role !== LR)
    throw new ForbiddenError('Only a legal representative can appoint, change or remove a legal representative.');
}

const notFound = () =>
  new BusinessError(MembershipErrorCode.NOT_FOUND, 'No such membership.', ['input', 'membershipId']);
const lastLegalRepresentative = (what: string) =>
  new BusinessError(
    MembershipErrorCode.LAST_LEGAL_REPRESENTATIVE,
    `This is the organization's only legal representative and cannot be ${what}: nominate another legal representative first.`,
    ['input', 'membershipId'],
  );

/**
 * Memberships of an organization (R3, R5, R6): who sees them, validated grants, changes and removal.
 * Every change is audited in its transaction; R6 holds under concurrency because the organization's
 * legal-representative rows are write-locked (MySQL) or the transaction is serialized (SQLite).
 */
export class MembershipService {
  constructor(
    private readonly audit: AuditService,
    private readonly products: ProductService,
  ) {}

  /** Organization.members: everyone for those who manage members, otherwise only the viewer's own membership. */
  async list(ctx: RequestContext, organizationId: number, page: PageArgs) {
    const access = await ctx.access.require(organizationId, 'read');
    return ctx.loaders.connections.load(
      { name: 'Organization.members', entity: MembershipEntity, alias: 'm', parent: 'organizationId' },
      {
        parentId: organizationId,
        page,
        only: hasPermission(access, 'manageMembers') ? null : [access.membershipId ?? 0],
      },
    );
  }

  /** For node(id): the membership when the viewer manages members there or it is the viewer's own. */
  async findVisible(ctx: RequestContext, membershipId: number): Promise<MembershipEntity | null> {
    const membership = await ctx.em.findOneBy(MembershipEntity, { id: membershipId });
    if (!membership) return null;
    const access = await ctx.access.forOrganization(membership.organizationId);
    return hasPermission(access, 'manageMembers') || access?.membershipId === membership.id ? membership : null;
  }

  /**
   * Validates what a new member gets: products only for role USER and only the organization's own,
   * billing always for a legal representative, contact preferences all on for a legal representative
   * and all off otherwise unless given.
   */
  async newGrant(
    ctx: RequestContext,
    access: OrgAccess,
    organizationId: number,
    input: MembershipChanges & { role: MemberRole },
    field: string[],
  ): Promise<MembershipGrant> {
    if (input.role === LR) requireMayTouchLegalRepresentative(access);
    const productIds = await this.validProducts(ctx, organizationId, input.role, input.productIds ?? [], [
      ...field,
      'productIds',
    ]);
    const isLegalRepresentative = input.role === LR;
    const contactPreferences = input.contactPreferences ?? {
      billing: isLegalRepresentative,
      technical: isLegalRepresentative,
      administrative: isLegalRepresentative,
    };
    return {
      role: input.role,
      billingAccess: isLegalRepresentative || !!input.billingAccess,
      productIds,
      contactPreferences: { ...contactPreferences },
    };
  }

  /** Creates a membership in the caller's transaction; ALREADY_MEMBER when the user already belongs. */
  async create(
    ctx: RequestContext,
    organizationId: number,
    userId: number,
    grant: MembershipGrant,
    field: string[] = ['input', 'email'],
  ): Promise<MembershipEntity> {
    const alreadyMember = () =>
      new BusinessError(
        MembershipErrorCode.ALREADY_MEMBER,
        'This person is already a member of the organization.',
        field,
      );
    if (await ctx.em.existsBy(MembershipEntity, { organizationId, userId })) throw alreadyMember();
    const { billing, technical, administrative } = grant.contactPreferences;
    const membership = await ctx.em
      .save(
        ctx.em.create(MembershipEntity, {
          organizationId,
          userId,
          role: grant.role,
          billingAccess: grant.billingAccess,
          productIds: grant.productIds,
          notifyBilling: billing,
          notifyTechnical: technical,
          notifyAdministrative: administrative,
          createdAt: ctx.now(),
        }),
      )
      .catch((error) => {
        throw isUniqueViolation(error) ? alreadyMember() : error;
      });
    ctx.access.clear(organizationId);
    return membership;
  }

  /** updateMembership (R3, R5, R6): role, billing flag, products (role USER) and contact preferences. */
  async update(ctx: RequestContext, membershipId: number, changes: MembershipChanges): Promise<MembershipEntity> {
    const found = await ctx.em.findOneBy(MembershipEntity, { id: membershipId });
    const access = await ctx.access.requireFound(found?.organizationId, 'manageMembers', notFound);
    const existing = found!;
    const organizationId = existing.organizationId;
    if (changes.role === LR) requireMayTouchLegalRepresentative(access);
    const role = changes.role ?? existing.role;
    if (role === LR && changes.billingAccess === false)
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'A legal representative always has billing access.', [
        'input',
        'billingAccess',
      ]);
    const productIds = changes.productIds
      ? await this.validProducts(ctx, organizationId, role, changes.productIds, ['input', 'productIds'])
      : null;

    return ctx.transaction(async (ctx) => {
      const legalRepresentatives = await this.lockLegalRepresentatives(ctx, organizationId);
      const current = await ctx.em.findOneBy(MembershipEntity, { id: membershipId });
      if (!current) throw notFound();
      if (current.role === LR) requireMayTouchLegalRepresentative(access);
      if (current.role === LR && role !== LR && legalRepresentatives.every((m) => m.id === current.id))
        throw lastLegalRepresentative('demoted');

      const next: Partial<MembershipEntity> = {
        role,
        billingAccess: role === LR || (changes.billingAccess ?? current.billingAccess),
        productIds: role === MemberRole.USER ? (productIds ?? current.productIds) : [],
      };
      if (changes.contactPreferences) {
        next.notifyBilling = changes.contactPreferences.billing;
        next.notifyTechnical = changes.contactPreferences.technical;
        next.notifyAdministrative = changes.contactPreferences.administrative;
      }
      const changed = describeChanges(current, next);
      await ctx.em.update(MembershipEntity, { id: current.id }, next);
      const user = await ctx.em.findOneByOrFail(UserEntity, { id: current.userId });
      await this.audit.record(
        ctx,
        organizationId,
        'member.updated',
        `membership:${current.id} (${user.email}): ${changed || 'no change'}`,
      );
      ctx.access.clear(organizationId);
      return ctx.em.findOneByOrFail(MembershipEntity, { id: current.id });
    });
  }

  /**
   * removeMember: managers remove others, anyone may leave; R6 protects the last legal
   * representative. The user's team places in the organization (and team leaderships) go too.
   */
  async remove(ctx: RequestContext, membershipId: number): Promise<number> {
    const existing = await ctx.em.findOneBy(MembershipEntity, { id: membershipId });
    const isSelf = existing?.userId === ctx.user.id;
    const access = await ctx.access.requireFound(existing?.organizationId, isSelf ? 'read' : 'manageMembers', notFound);
    const organizationId = existing!.organizationId;

    return ctx.transaction(async (ctx) => {
      const legalRepresentatives = await this.lockLegalRepresentatives(ctx, organizationId);
      const current = await ctx.em.findOneBy(MembershipEntity, { id: membershipId });
      if (!current) throw notFound();
      if (!isSelf && current.role === LR) requireMayTouchLegalRepresentative(access);
      if (current.role === LR && legalRepresentatives.every((m) => m.id === current.id))
        throw lastLegalRepresentative('removed');

      await ctx.em.delete(TeamMemberEntity, { organizationId, userId: current.userId });
      await ctx.em.update(TeamEntity, { organizationId, leaderId: current.userId }, { leaderId: null });
      await ctx.em.delete(MembershipEntity, { id: current.id });
      const user = await ctx.em.findOneByOrFail(UserEntity, { id: current.userId });
      await this.audit.record(
        ctx,
        organizationId,
        'member.removed',
        `membership:${current.id} (${user.email}, ${current.role})${isSelf ? ' left' : ''}`,
      );
      ctx.access.clear(organizationId);
      return current.id;
    });
  }

  /** Users among `userIds` that are not members of the organization (unknown ids look the same). */
  async nonMembers(ctx: RequestContext, organizationId: number, userIds: number[]): Promise<number[]> {
    if (userIds.length === 0) return [];
    const rows = await ctx.em
      .createQueryBuilder(MembershipEntity, 'm')
      .select('m.userId', 'userId')
      .where('m.organizationId = :organizationId AND m.userId IN (:...userIds)', { organizationId, userIds })
      .getRawMany<{ userId: number }>();
    const members = new Set(rows.map((r) => Number(r.userId)));
    return userIds.filter((id) => !members.has(id));
  }

  /**
   * The organization's legal representatives, write-locked on MySQL so two concurrent demotions or
   * removals see each other's outcome (SQLite serializes whole transactions already).
   */
  private lockLegalRepresentatives(ctx: RequestContext, organizationId: number): Promise<MembershipEntity[]> {
    return ctx.em.find(MembershipEntity, { where: { organizationId, role: LR }, lock: writeLock(ctx.em) });
  }

  private async validProducts(
    ctx: RequestContext,
    organizationId: number,
    role: MemberRole,
    productIds: number[],
    field: string[],
  ): Promise<number[]> {
    if (productIds.length === 0) return [];
    if (role !== MemberRole.USER)
      throw new BusinessError(
        MembershipErrorCode.PRODUCTS_ONLY_FOR_USER,
        'productIds apply to role USER only: legal representatives and administrators reach every product.',
        field,
      );
    return this.products.requireOwnProducts(ctx, organizationId, [...new Set(productIds)], field);
  }
}

/** "role ADMINISTRATOR→USER, products [3,4]" for the audit log. */
function describeChanges(before: MembershipEntity, after: Partial<MembershipEntity>): string {
  const parts: string[] = [];
  if (after.role !== before.role) parts.push(`role ${before.role}→${after.role}`);
  if (after.billingAccess !== before.billingAccess)
    parts.push(`billingAccess ${before.billingAccess}→${after.billingAccess}`);
  if (JSON.stringify(after.productIds) !== JSON.stringify(before.productIds))
    parts.push(`products [${before.productIds.join(',')}]→[${after.productIds?.join(',')}]`);
  const prefs = (m: Partial<MembershipEntity>) =>
    `${m.notifyBilling ? 'B' : '-'}${m.notifyTechnical ? 'T' : '-'}${m.notifyAdministrative ? 'A' : '-'}`;
  if (after.notifyBilling !== undefined && prefs(after) !== prefs(before))
    parts.push(`contact ${prefs(before)}→${prefs(after)}`);
  return parts.join(', ');
}
