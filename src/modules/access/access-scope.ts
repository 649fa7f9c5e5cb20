import DataLoader from 'dataloader';
import { EntityManager } from 'typeorm';
import { hydratedValue, rawQuery } from '../../db/raw-sql';
import { ForbiddenError } from '../../graphql/errors';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { AccessLevel, AccessScope as RelationshipScope, BillingMode } from '../partners/client-relationship.entity';
import { grantsOfRows, PartnerGrant, partnerGrantsQuery } from '../partners/relationship-coverage';
import { TeamEntity } from '../teams/team.entity';
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
    const rows = await accessRows(this.em, this.userId as number, organizationIds);
    return organizationIds.map((organizationId) => {
      const own = rows.filter((row) => Number(row.organizationId) === organizationId);
      const teams = own.filter((row) => row.kind === 'TEAM');
      this.teamIds.set(
        organizationId,
        teams.map((t) => Number(t.id)),
      );
      const teamProducts = teams.flatMap(
        (t) => (hydratedValue(this.em, TeamEntity, 'productIds', t.productIds) as number[] | null) ?? [],
      );
      const membership = own.find((row) => row.kind === 'MEMBERSHIP');
      // Delegated access (section 8.2) only where the viewer is no member, of the organization or of a team.
      const access = membership
        ? membershipAccess(this.membershipOf(membership), teamProducts)
        : teams.length
          ? teamAccess(organizationId, teamProducts)
          : partnerAccess(
              organizationId,
              // A grant row names its relationship `id` and its client `organizationId`.
              grantsOfRows(
                own
                  .filter((row) => row.kind === 'PARTNER')
                  .map((row) => ({ ...row, relationshipId: row.id, clientOrganizationId: row.organizationId })),
              ),
            );
      this.resolved.set(organizationId, access);
      return access;
    });
  }

  private membershipOf(row: AccessRow): MembershipAccessInput {
    const value = <K extends keyof MembershipAccessInput>(property: K) =>
      hydratedValue(this.em, MembershipEntity, property, row[property]) as MembershipAccessInput[K];
    return {
      id: Number(row.id),
      organizationId: Number(row.organizationId),
      role: row.role as MemberRole,
      billingAccess: value('billingAccess'),
      productIds: value('productIds'),
    };
  }
}

/** One row of `accessRows`: `kind` says which of the three ways it grants; the other kinds' columns are null. */
type AccessRow = Record<string, unknown> & { kind: 'MEMBERSHIP' | 'TEAM' | 'PARTNER' };

/**
 * Everything that decides the viewer's access to the organizations, in ONE statement: its
 * memberships, its team links (with the team's products), and its partner grants (the shared rule,
 * `partnerGrantsQuery`, with each PRODUCTS relationship's open products), in relationship order.
 * Grants of organizations the viewer is a member of come back too and are ignored (cheaper than
 * excluding them in SQL). simple-json and boolean columns come back raw: see `hydratedValue`.
 */
async function accessRows(em: EntityManager, userId: number, organizationIds: readonly number[]): Promise<AccessRow[]> {
  const grants = partnerGrantsQuery(em, userId, organizationIds);
  const sql = `
    SELECT 'MEMBERSHIP' AS kind, m.organizationId AS organizationId, m.id AS id, m.role AS role,
        m.billingAccess AS billingAccess, m.productIds AS productIds, NULL AS partnerId,
        NULL AS partnerOrganizationId, NULL AS scope, NULL AS level, NULL AS billingMode, NULL AS productId
      FROM membership m WHERE m.userId = :accessUserId AND m.organizationId IN (:...accessOrganizationIds)
    UNION ALL
    SELECT 'TEAM', tm.organizationId, tm.teamId, NULL, NULL, t.productIds, NULL, NULL, NULL, NULL, NULL, NULL
      FROM team_member tm LEFT JOIN team t ON t.id = tm.teamId AND t.organizationId = tm.organizationId
      WHERE tm.userId = :accessUserId AND tm.organizationId IN (:...accessOrganizationIds)
    UNION ALL
    SELECT 'PARTNER', g.clientOrganizationId, g.relationshipId, NULL, NULL, NULL, g.partnerId,
        g.partnerOrganizationId, g.scope, g.level, g.billingMode, g.productId
      FROM (${grants.getQuery()}) g
    ORDER BY id`;
  return rawQuery(em, sql, {
    ...grants.getParameters(),
    accessUserId: userId,
    accessOrganizationIds: [...organizationIds],
  });
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

type MembershipAccessInput = Pick<MembershipEntity, 'id' | 'organizationId' | 'role' | 'billingAccess' | 'productIds'>;

function membershipAccess(membership: MembershipAccessInput, teamProducts: number[]): OrgAccess {
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

/** A member of one of the organization's teams without being a member of it: the team's products. */
function teamAccess(organizationId: number, teamProducts: number[]): OrgAccess {
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
