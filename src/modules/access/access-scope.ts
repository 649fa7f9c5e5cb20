import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { ForbiddenError } from '../../graphql/errors';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { TeamEntity, TeamMemberEntity } from '../teams/team.entity';
import { hasPermission, OrgAccess, OrgPermission } from './permissions';

/**
 * The viewer's reach, per organization, loaded once per request and batched: every service asks it
 * before reading or changing anything of an organization, so no lookup can cross tenants.
 */
export class AccessScope {
  private readonly loader: DataLoader<number, OrgAccess | null>;
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

  /** The ids of the teams the viewer is in within the organization (no query of its own: loaded with the access). */
  async viewerTeamIds(organizationId: number): Promise<number[]> {
    if (this.isSystem || this.userId === null) return [];
    await this.loader.load(organizationId);
    return this.teamIds.get(organizationId) ?? [];
  }

  /** Forget cached access after the request changed it (a membership was added or removed). */
  clear(organizationId: number): void {
    this.loader.clear(organizationId);
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
    return ids.map((organizationId) => {
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
