import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { ForbiddenError } from '../../graphql/errors';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { AccessLevel, AccessScope as RelationshipScope, BillingMode } from '../partners/client-relationship.entity';
import { PartnerGrant, partnerGrantsOf } from '../partners/relationship-coverage';
import { TeamEntity, TeamMemberEntity } from '../teams/team.entity';
import { hasPermission, OrgAccess, OrgPermission } from './permissions';

/**
 * The viewer's reach, per organization, loaded once per request and batched: every service asks it
 * before reading or changing anything of an organization, so no lookup can cross tenants.
 */
export class AccessScope {
  private readonly loader: DataLoader<number, OrgAccess | null>;
  /** What the loader resolved so far, readable without a query (audit notes). */
  private readonly resolved = new Map<number, OrgAccess | null>();
  /** The teams the viewer is in, per organization, filled by the same batch as the access. */
  private readonly teamIds = new Map<number, number[]>();

  constructor(
    private readonly em: EntityManager,
    readonly userId: number | null,
    /** The scheduler and the CLI act for the platform: full access, no viewer. */
    readonly isSystem = false,
  ) {
    this.loader = new DataLoader((ids) => this.load(ids));
  }

  forOrganization(organizationId: number): Promise<OrgAccess | null> {
    if (this.isSystem) return Promise.resolve(systemAccess(organizationId));
    return this.userId === null ? Promise.resolve(null) : this.loader.load(organizationId);
  }

  /** The viewer's access to the organization, or FORBIDDEN when it lacks `permission` there. */
  async require(organizationId: number, permission: OrgPermission): Promise<OrgAccess> {
    const access = await this.forOrganization(organizationId);
    if (!access || !hasPermission(access, permission)) throw new ForbiddenError();
    return access;
  }

  /**
   * Uniform not-found (issue 9) for an object looked up by id: `organizationId` is its organization
   * (null or undefined when no row was found). A missing object and one in an organization the viewer
   * cannot reach at all answer alike with `notFound()`, so ids reveal nothing about other tenants;
   * FORBIDDEN remains only for a viewer who reaches the organization but lacks `permission` there.
   */
  async requireFound(
    organizationId: number | null | undefined,
    permission: OrgPermission,
    notFound: () => Error,
  ): Promise<OrgAccess> {
    if (organizationId === null || organizationId === undefined) throw notFound();
    const access = await this.forOrganization(organizationId);
    if (!access) throw notFound();
    if (!hasPermission(access, permission)) throw new ForbiddenError();
    return access;
  }

  /** The ids of the teams the viewer is in within the organization (no query of its own: loaded with the access). */
  async viewerTeamIds(organizationId: number): Promise<number[]> {
    if (this.isSystem || this.userId === null) return [];
    await this.loader.load(organizationId);
    return this.teamIds.get(organizationId) ?? [];
  }

  /** Forget cached access after the request changed it (a membership, or a client relationship, changed). */
  clear(organizationId: number): void {
    this.loader.clear(organizationId);
    this.resolved.delete(organizationId);
  }

  /** The access already loaded in this request for the organization, without a query; undefined if not asked yet. */
  known(organizationId: number): OrgAccess | null | undefined {
    return this.resolved.get(organizationId);
  }

  private async load(organizationIds: readonly number[]): Promise<Array<OrgAccess | null>> {
    const userId = this.userId as number;
    const ids = [...organizationIds];
    const [memberships, teamLinks] = await Promise.all([
      this.em.find(MembershipEntity, { where: { userId, organizationId: In(ids) } }),
      this.em.find(TeamMemberEntity, { where: { userId, organizationId: In(ids) } }),
    ]);
    const teams = teamLinks.length
      ? await this.em.find(TeamEntity, { where: { id: In(teamLinks.map((t) => t.teamId)) } })
      : [];
    for (const organizationId of ids)
      this.teamIds.set(
        organizationId,
        teamLinks.filter((t) => t.organizationId === organizationId).map((t) => t.teamId),
      );
    const direct = ids.map((organizationId): OrgAccess | null => {
      const membership = memberships.find((m) => m.organizationId === organizationId);
      const teamProducts = teams.filter((t) => t.organizationId === organizationId).flatMap((t) => t.productIds);
      if (membership) return membershipAccess(membership, teamProducts);
      if (teamLinks.some((t) => t.organizationId === organizationId)) {
        return {
          organizationId,
          via: 'TEAM',
          role: null,
          membershipId: null,
          billing: false,
          level: 'MANAGE',
          products: new Set(teamProducts),
        };
      }
      return null;
    });
    // Delegated access (section 8.2) only where the viewer is no member: one more statement, and only then.
    const others = ids.filter((_id, i) => direct[i] === null);
    const grants = others.length ? await partnerGrantsOf(this.em, userId, others) : [];
    return ids.map((organizationId, i) => {
      const access =
        direct[i] ??
        partnerAccess(
          organizationId,
          grants.filter((g) => g.clientOrganizationId === organizationId),
        );
      this.resolved.set(organizationId, access);
      return access;
    });
  }
}

function systemAccess(organizationId: number): OrgAccess {
  return {
    organizationId,
    via: 'SYSTEM',
    role: null,
    membershipId: null,
    billing: true,
    level: 'MANAGE',
    products: 'ALL',
  };
}

function membershipAccess(membership: MembershipEntity, teamProducts: number[]): OrgAccess {
  const limited = membership.role === MemberRole.USER;
  return {
    organizationId: membership.organizationId,
    via: 'MEMBERSHIP',
    role: membership.role,
    membershipId: membership.id,
    billing: membership.role === MemberRole.LEGAL_REPRESENTATIVE || membership.billingAccess,
    level: 'MANAGE',
    products: limited ? new Set([...membership.productIds, ...teamProducts]) : 'ALL',
  };
}

/**
 * Access through ACTIVE client relationships (R31, section 8.2): FULL_ACCOUNT reaches every product,
 * PRODUCTS only the listed ones; the level bounds what may change (READ never changes anything);
 * billing needs FULL_ACCOUNT with PARTNER_PAYS (section 8.3). Exclusivity leaves at most one
 * relationship per client in practice; should a viewer reach one through two partners, the products
 * add up and the level is MANAGE only when both say so.
 */
function partnerAccess(organizationId: number, grants: PartnerGrant[]): OrgAccess | null {
  if (grants.length === 0) return null;
  const full = grants.some((g) => g.scope === RelationshipScope.FULL_ACCOUNT);
  return {
    organizationId,
    via: 'PARTNER',
    role: null,
    membershipId: null,
    billing: grants.some(
      (g) => g.scope === RelationshipScope.FULL_ACCOUNT && g.billingMode === BillingMode.PARTNER_PAYS,
    ),
    level: grants.every((g) => g.level === AccessLevel.MANAGE) ? 'MANAGE' : 'READ',
    products: full ? 'ALL' : new Set(grants.flatMap((g) => g.productIds)),
    relationshipId: grants[0].relationshipId,
  };
}
