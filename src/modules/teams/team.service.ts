import { Mail } from '../../common/mail';
import { requireEmail, requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import { UserEntity } from '../accounts/user.entity';
import { InvitationEntity } from '../organizations/invitation.entity';
import { MembershipErrorCode } from '../organizations/membership.errors';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { isUniqueViolation } from '../../db/errors';
import { addTeamMemberRow, forgetTeamMembers, teamMemberIds } from './team-members';
import { TeamEntity, TeamMemberEntity } from './team.entity';
import type { ProductService } from '../products/product.service';
import type { MembershipService } from '../organizations/membership.service';
import type { InvitationService } from '../organizations/invitation.service';
import type { AuditService } from '../audit/audit.service';
import type { Mailer } from '../../common/mail';

/** At most this many people per createTeam / addTeamMembers call. */
export const MAX_PEOPLE_PER_CALL = 100;

export interface CreateTeamInput {
  name: string;
  leaderId?: number | null;
  userIds?: number[] | null;
  productIds?: number[] | null;
}

const teamNotFound = () => new BusinessError(MembershipErrorCode.NOT_FOUND, 'No such team.', ['input', 'teamId']);
const nameTaken = () =>
  new BusinessError(MembershipErrorCode.TEAM_NAME_TAKEN, 'This organization already has a team with this name.', [
    'input',
    'name',
  ]);

/**
 * Teams (R7): named groups inside one organization, with an optional leader, members of the
 * organization or people outside it (external members, invited by email), and product grants that
 * the access scope hands to whoever is in the team. Only those with manageTeams change them.
 */
export class TeamService {
  constructor(
    private readonly products: ProductService,
    private readonly memberships: MembershipService,
    private readonly invitations: InvitationService,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
  ) {}

  /** Organization.teams: every team for those who manage teams, otherwise the teams the viewer is in. */
  async list(ctx: RequestContext, organizationId: number, page: PageArgs) {
    const access = await ctx.access.require(organizationId, 'read');
    const only = hasPermission(access, 'manageTeams') ? null : await ctx.access.viewerTeamIds(organizationId);
    return ctx.loaders.connections.load(
      { name: 'Organization.teams', entity: TeamEntity, alias: 't', parent: 'organizationId' },
      { parentId: organizationId, page, only },
    );
  }

  /** For node(id): the team when the viewer manages teams there or is in it. */
  async findVisible(ctx: RequestContext, teamId: number): Promise<TeamEntity | null> {
    const team = await ctx.em.findOneBy(TeamEntity, { id: teamId });
    if (!team) return null;
    if (hasPermission(await ctx.access.forOrganization(team.organizationId), 'manageTeams')) return team;
    return ctx.viewer && (await this.memberIds(ctx, team.id)).includes(ctx.viewer.user.id) ? team : null;
  }

  /** User ids in the team, in the order they joined (batched per request). */
  memberIds(ctx: RequestContext, teamId: number): Promise<number[]> {
    return teamMemberIds(ctx, teamId);
  }

  async create(ctx: RequestContext, organizationId: number, input: CreateTeamInput): Promise<TeamEntity> {
    await ctx.access.require(organizationId, 'manageTeams');
    const name = requireText(input.name, ['input', 'name'], { max: 80 });
    const leaderId = input.leaderId ?? null;
    const userIds = [...new Set([...(leaderId ? [leaderId] : []), ...(input.userIds ?? [])])];
    if (userIds.length > MAX_PEOPLE_PER_CALL) throw tooMany(['input', 'userIds']);
    if (leaderId) await this.requireMembers(ctx, organizationId, [leaderId], ['input', 'leaderId']);
    await this.requireMembers(ctx, organizationId, userIds, ['input', 'userIds']);
    const productIds = await this.products.requireOwnProducts(
      ctx,
      organizationId,
      [...new Set(input.productIds ?? [])],
      ['input', 'productIds'],
    );

    return ctx.transaction(async (ctx) => {
      const clash = await ctx.em
        .createQueryBuilder(TeamEntity, 't')
        .where('t.organizationId = :organizationId AND LOWER(t.name) = LOWER(:name)', { organizationId, name })
        .getExists();
      if (clash) throw nameTaken();
      const team = await ctx.em
        .save(ctx.em.create(TeamEntity, { organizationId, name, leaderId, productIds, createdAt: ctx.now() }))
        .catch((error) => {
          throw isUniqueViolation(error) ? nameTaken() : error;
        });
      for (const userId of userIds) await addTeamMemberRow(ctx, team, userId);
      await this.audit.record(
        ctx,
        organizationId,
        'team.created',
        `team:${team.id} (${name}): leader ${leaderId ? `user:${leaderId}` : 'none'}, members [${userIds.join(',')}], products [${productIds.join(',')}]`,
      );
      return team;
    });
  }

  /**
   * addTeamMembers: members of the organization by id or email join at once; anyone outside the
   * organization, with an account or not, gets a team-only invitation to accept (issue 9: never
   * added unasked, and the answer does not tell whether the email has an account).
   */
  async addMembers(
    ctx: RequestContext,
    teamId: number,
    input: { userIds?: number[] | null; emails?: string[] | null },
  ) {
    const team = await this.requireManageable(ctx, teamId);
    const userIds = [...new Set(input.userIds ?? [])];
    const emails = [
      ...new Set((input.emails ?? []).map((email, i) => requireEmail(email, ['input', 'emails', String(i)]))),
    ];
    if (userIds.length + emails.length === 0)
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'Give userIds or emails to add.', ['input']);
    if (userIds.length + emails.length > MAX_PEOPLE_PER_CALL) throw tooMany(['input']);
    await this.requireMembers(ctx, team.organizationId, userIds, ['input', 'userIds']);

    const { mails, invitations } = await ctx.transaction(async (ctx) => {
      const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: team.organizationId });
      const added: number[] = [];
      const mails: Mail[] = [];
      const invitations: InvitationEntity[] = [];
      for (const userId of userIds) if (await addTeamMemberRow(ctx, team, userId)) added.push(userId);
      for (const email of emails) {
        const member = await ctx.em
          .createQueryBuilder(MembershipEntity, 'm')
          .innerJoin(UserEntity, 'u', 'u.id = m.userId')
          .select('m.userId', 'userId')
          .where('m.organizationId = :organizationId AND u.email = :email', {
            organizationId: team.organizationId,
            email,
          })
          .getRawOne<{ userId: number }>();
        if (member) {
          // A member of the organization: the manager knows them already, so adding at once reveals nothing.
          const userId = Number(member.userId);
          if (await addTeamMemberRow(ctx, team, userId)) {
            added.push(userId);
            mails.push(addedToTeamMail(ctx, this.publicUrl, organization, team, email));
          }
        } else {
          // Anyone outside, with an account or not: a team-only invitation to accept (issue 9, R5, R7).
          const issued = await this.invitations.issue(ctx, organization, team, email, { role: MemberRole.USER });
          invitations.push(issued.invitation);
          mails.push(issued.mail);
        }
      }
      const invited = invitations.map((i) => `invitation:${i.id}`);
      await this.audit.record(
        ctx,
        team.organizationId,
        'team.members_added',
        `team:${team.id} (${team.name}): members [${added.join(',')}], invited [${invited.join(',')}]`,
      );
      return { mails, invitations };
    });
    for (const mail of mails) await this.mailer.send(mail);
    return { team: await this.reload(ctx, team.id), invitations };
  }

  /** removeTeamMember: removing the leader leaves the team without one. */
  async removeMember(ctx: RequestContext, teamId: number, userId: number): Promise<TeamEntity> {
    const team = await this.requireManageable(ctx, teamId);
    await ctx.transaction(async (ctx) => {
      const deleted = await ctx.em.delete(TeamMemberEntity, { teamId, userId });
      if (!deleted.affected)
        throw new BusinessError(MembershipErrorCode.NOT_A_TEAM_MEMBER, 'This user is not in the team.', [
          'input',
          'userId',
        ]);
      await ctx.em.update(TeamEntity, { id: teamId, leaderId: userId }, { leaderId: null });
      await this.audit.record(
        ctx,
        team.organizationId,
        'team.member_removed',
        `team:${team.id} (${team.name}): user:${userId}${team.leaderId === userId ? ' (was leader)' : ''}`,
      );
    });
    return this.reload(ctx, teamId);
  }

  /** setTeamProducts: replaces the team's product grants (own products of the organization only). */
  async setProducts(ctx: RequestContext, teamId: number, productIds: number[]): Promise<TeamEntity> {
    const team = await this.requireManageable(ctx, teamId);
    const ids = await this.products.requireOwnProducts(
      ctx,
      team.organizationId,
      [...new Set(productIds)],
      ['input', 'productIds'],
    );
    await ctx.transaction(async (ctx) => {
      await ctx.em.update(TeamEntity, { id: teamId }, { productIds: ids });
      await this.audit.record(
        ctx,
        team.organizationId,
        'team.products_set',
        `team:${team.id} (${team.name}): products [${team.productIds.join(',')}]→[${ids.join(',')}]`,
      );
    });
    return this.reload(ctx, teamId);
  }

  private async requireManageable(ctx: RequestContext, teamId: number): Promise<TeamEntity> {
    const team = await ctx.em.findOneBy(TeamEntity, { id: teamId });
    await ctx.access.requireFound(team?.organizationId, 'manageTeams', teamNotFound);
    return team!;
  }

  private async reload(ctx: RequestContext, teamId: number): Promise<TeamEntity> {
    forgetTeamMembers(ctx, teamId);
    const team = await ctx.em.findOneByOrFail(TeamEntity, { id: teamId });
    ctx.access.clear(team.organizationId);
    return team;
  }

  private async requireMembers(
    ctx: RequestContext,
    organizationId: number,
    userIds: number[],
    field: string[],
  ): Promise<void> {
    const outside = await this.memberships.nonMembers(ctx, organizationId, userIds);
    if (outside.length)
      throw new BusinessError(
        MembershipErrorCode.NOT_A_MEMBER,
        `${outside.length} user(s) are not members of this organization (add people from outside by email).`,
        field,
      );
  }
}

const tooMany = (field: string[]) =>
  new BusinessError(MembershipErrorCode.TOO_MANY, `At most ${MAX_PEOPLE_PER_CALL} people per call.`, field);

function addedToTeamMail(
  ctx: RequestContext,
  publicUrl: string,
  organization: OrganizationEntity,
  team: TeamEntity,
  email: string,
): Mail {
  const by = ctx.viewer?.user.name ?? 'Someone';
  return {
    to: email,
    subject: `You were added to the team ${team.name} of ${organization.name}`,
    text: `${by} added you to the team "${team.name}" of ${organization.name}.\n\nLog in at ${publicUrl}/ to reach what the team shares.`,
  };
}
