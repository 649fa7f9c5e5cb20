import { Brackets, IsNull } from 'typeorm';
import { Mail } from '../../common/mail';
import { requireEmail, requirePassword, requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import { hashPassword } from '../accounts/password';
import { UserEntity } from '../accounts/user.entity';
import { hashSecret, newSecret } from '../../common/token-secret';
import { addTeamMemberRow } from '../teams/team-members';
import { TeamEntity } from '../teams/team.entity';
import { InvitationEntity, InvitationStatus } from './invitation.entity';
import { MembershipErrorCode } from './membership.errors';
import { MemberRole, MembershipEntity } from './membership.entity';
import { isUniqueViolation } from '../../db/errors';
import { MembershipChanges, requireMayTouchLegalRepresentative } from './membership.service';
import { OrganizationEntity } from './organization.entity';
import type { MembershipService } from './membership.service';
import type { AuditService } from '../audit/audit.service';
import type { Mailer } from '../../common/mail';
import { AccountErrorCode } from '../accounts/account.errors';

/** An invitation can be accepted for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Organization.invitations shows pending ones and those decided in the last 30 days, newest first, at most 100. */
const RECENT_MS = 30 * 24 * 3600 * 1000;
const LIST_LIMIT = 100;

export interface InviteMemberInput extends MembershipChanges {
  email: string;
  role: MemberRole;
}

/** A fresh or refreshed invitation and the mail carrying its token (sent after the transaction commits). */
export interface IssuedInvitation {
  invitation: InvitationEntity;
  mail: Mail;
}

/**
 * Invitations by email (R5, R7): the token is random, only its hash is stored and the token itself
 * travels only in the mail. Nobody becomes a member without accepting (issue 9): an email with an
 * account gets the same pending invitation and the same mail as one without, so the answer never tells
 * whether the address has an account; its owner also sees it in `viewer.invitations` and may decline.
 * Inviting an email with a pending invitation re-sends it: a new token replaces the old one.
 */
export class InvitationService {
  constructor(
    private readonly memberships: MembershipService,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
  ) {}

  async invite(ctx: RequestContext, organizationId: number, input: InviteMemberInput): Promise<InvitationEntity> {
    const access = await ctx.access.require(organizationId, 'manageMembers');
    const email = requireEmail(input.email, ['input', 'email']);
    const grant = await this.memberships.newGrant(ctx, access, organizationId, input, ['input']);
    const { invitation, mail } = await ctx.transaction(async (ctx) => {
      const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
      // Someone already in the organization: the manager sees the members anyway, so this says nothing new.
      const member = await ctx.em
        .createQueryBuilder(MembershipEntity, 'm')
        .innerJoin(UserEntity, 'u', 'u.id = m.userId')
        .where('m.organizationId = :organizationId AND u.email = :email', { organizationId, email })
        .getExists();
      if (member)
        throw new BusinessError(
          MembershipErrorCode.ALREADY_MEMBER,
          'This person is already a member of the organization.',
          ['input', 'email'],
        );
      const issued = await this.issue(ctx, organization, null, email, grant);
      await this.audit.record(
        ctx,
        organizationId,
        'member.invited',
        `invitation:${issued.invitation.id} (${email}) as ${grant.role}`,
      );
      return issued;
    });
    await this.mailer.send(mail);
    return invitation;
  }

  /**
   * Creates or refreshes the pending invitation of `email` (into `team` only, when given) in the
   * caller's transaction; an administrator cannot overwrite a pending legal-representative invitation.
   */
  async issue(
    ctx: RequestContext,
    organization: OrganizationEntity,
    team: TeamEntity | null,
    email: string,
    grant: Omit<MembershipChanges, 'role'> & { role: MemberRole },
  ): Promise<IssuedInvitation> {
    const pending = await ctx.em.findOne(InvitationEntity, {
      where: {
        organizationId: organization.id,
        email,
        status: InvitationStatus.PENDING,
        teamId: team ? team.id : IsNull(),
      },
      lock: writeLock(ctx.em),
    });
    if (pending?.role === MemberRole.LEGAL_REPRESENTATIVE)
      requireMayTouchLegalRepresentative(await ctx.access.require(organization.id, 'manageMembers'));
    const token = newSecret('ppi');
    const now = ctx.now();
    const fields = {
      role: grant.role,
      billingAccess: !!grant.billingAccess,
      productIds: grant.productIds ?? [],
      contactPreferences: grant.contactPreferences ?? { billing: false, technical: false, administrative: false },
      tokenHash: hashSecret(token),
      invitedById: ctx.user.id,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    };
    let invitation: InvitationEntity;
    if (pending) {
      await ctx.em.update(InvitationEntity, { id: pending.id }, fields);
      invitation = Object.assign(pending, fields);
    } else {
      invitation = await ctx.em.save(
        ctx.em.create(InvitationEntity, {
          ...fields,
          organizationId: organization.id,
          teamId: team?.id ?? null,
          email,
          status: InvitationStatus.PENDING,
          acceptedAt: null,
          createdAt: now,
        }),
      );
    }
    return { invitation, mail: invitationMail(ctx, this.publicUrl, organization, team, invitation, token) };
  }

  /**
   * acceptInvitation (public, the token is the proof): creates the account when the email has none
   * (name and password then required), then the membership, or the team place of a team-only invitation.
   */
  async accept(ctx: RequestContext, input: { token: string; name?: string | null; password?: string | null }) {
    const tokenHash = hashSecret((input.token ?? '').trim());
    const found = await ctx.em.findOneBy(InvitationEntity, { tokenHash });
    if (!found)
      throw new BusinessError(MembershipErrorCode.INVALID_TOKEN, 'This invitation token is not valid.', [
        'input',
        'token',
      ]);
    requirePending(found, ctx.now());
    let account: { name: string; passwordHash: string } | null = null;
    if (!(await ctx.em.existsBy(UserEntity, { email: found.email }))) {
      const name = requireText(input.name, ['input', 'name'], {
        max: 120,
        label: 'name (required to create your account)',
      });
      account = { name, passwordHash: await hashPassword(requirePassword(input.password, ['input', 'password'])) };
    }
    return this.redeem(ctx, found.id, account);
  }

  /**
   * The demo seed: its people accept their invitations as they would with the mailed token (the
   * existing account of the invited email joins). Not reachable from the API.
   */
  acceptForDemo(ctx: RequestContext, invitationId: number) {
    return this.redeem(ctx, invitationId, null);
  }

  private redeem(ctx: RequestContext, invitationId: number, account: { name: string; passwordHash: string } | null) {
    return ctx.transaction(async (ctx) => {
      const invitation = await ctx.em.findOneOrFail(InvitationEntity, {
        where: { id: invitationId },
        lock: writeLock(ctx.em),
      });
      requirePending(invitation, ctx.now());
      const user =
        (await ctx.em.findOneBy(UserEntity, { email: invitation.email })) ??
        (await this.createAccount(ctx, invitation.email, account));
      const actor = ctx.withViewer({ user, token: null, via: 'invitation' });
      let membership: MembershipEntity | null = null;
      let team: TeamEntity | null = null;
      if (invitation.teamId !== null) {
        team = await ctx.em.findOneBy(TeamEntity, { id: invitation.teamId });
        if (!team)
          throw new BusinessError(
            MembershipErrorCode.INVITATION_NOT_PENDING,
            'The team of this invitation no longer exists.',
            ['input', 'token'],
          );
        await addTeamMemberRow(ctx, team, user.id);
      } else {
        const { role, billingAccess, productIds, contactPreferences } = invitation;
        membership = await this.memberships.create(
          ctx,
          invitation.organizationId,
          user.id,
          { role, billingAccess, productIds, contactPreferences },
          ['input', 'token'],
        );
      }
      await ctx.em.update(
        InvitationEntity,
        { id: invitation.id },
        { status: InvitationStatus.ACCEPTED, acceptedAt: ctx.now() },
      );
      const what = team ? `into team:${team.id} (${team.name})` : `as ${invitation.role}, membership:${membership?.id}`;
      await this.audit.record(
        actor,
        invitation.organizationId,
        'invitation.accepted',
        `invitation:${invitation.id} (${invitation.email}) ${what}${account ? ', account created' : ''}`,
      );
      return { membership, team };
    });
  }

  /** revokeInvitation: a pending invitation stops working at once. */
  async revoke(ctx: RequestContext, invitationId: number): Promise<InvitationEntity> {
    const existing = await ctx.em.findOneBy(InvitationEntity, { id: invitationId });
    const access = await ctx.access.requireFound(
      existing?.organizationId,
      existing?.teamId ? 'manageTeams' : 'manageMembers',
      () => new BusinessError(MembershipErrorCode.NOT_FOUND, 'No such invitation.', ['input', 'invitationId']),
    );
    if (existing!.role === MemberRole.LEGAL_REPRESENTATIVE) requireMayTouchLegalRepresentative(access);
    return ctx.transaction(async (ctx) => {
      const invitation = await ctx.em.findOneOrFail(InvitationEntity, {
        where: { id: invitationId },
        lock: writeLock(ctx.em),
      });
      if (invitation.status !== InvitationStatus.PENDING) throw notPending(invitation);
      await ctx.em.update(InvitationEntity, { id: invitation.id }, { status: InvitationStatus.REVOKED });
      await this.audit.record(
        ctx,
        invitation.organizationId,
        'invitation.revoked',
        `invitation:${invitation.id} (${invitation.email})`,
      );
      return Object.assign(invitation, { status: InvitationStatus.REVOKED });
    });
  }

  /** Organization.invitations: pending and recent ones for those who manage members; an empty list for everyone else. */
  async list(ctx: RequestContext, organizationId: number): Promise<InvitationEntity[]> {
    const access = await ctx.access.require(organizationId, 'read');
    if (!hasPermission(access, 'manageMembers')) return [];
    const since = new Date(ctx.now().getTime() - RECENT_MS);
    return ctx.em
      .createQueryBuilder(InvitationEntity, 'i')
      .where('i.organizationId = :organizationId', { organizationId })
      .andWhere(
        new Brackets((q) =>
          q
            .where('i.status = :pending', { pending: InvitationStatus.PENDING })
            .orWhere('i.createdAt >= :since', { since }),
        ),
      )
      .orderBy('i.id', 'DESC')
      .limit(LIST_LIMIT)
      .getMany();
  }

  /**
   * declineInvitation: by the token of the mail (public, the token is the proof), or by id for a
   * pending invitation addressed to the viewer's own email (one listed in `viewer.invitations`).
   * Unknown ids and other people's invitations answer alike (NOT_FOUND).
   */
  async decline(
    ctx: RequestContext,
    input: { token?: string | null; invitationId?: number | null },
  ): Promise<InvitationEntity> {
    let found: InvitationEntity | null = null;
    if (input.token) {
      found = await ctx.em.findOneBy(InvitationEntity, { tokenHash: hashSecret(input.token.trim()) });
      if (!found)
        throw new BusinessError(MembershipErrorCode.INVALID_TOKEN, 'This invitation token is not valid.', [
          'input',
          'token',
        ]);
    } else if (input.invitationId) {
      const viewer = ctx.viewer?.user;
      found = viewer ? await ctx.em.findOneBy(InvitationEntity, { id: input.invitationId, email: viewer.email }) : null;
      if (!found)
        throw new BusinessError(MembershipErrorCode.NOT_FOUND, 'No such invitation of yours.', [
          'input',
          'invitationId',
        ]);
    } else {
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'Give the token of the mail or the invitationId.', [
        'input',
      ]);
    }
    return ctx.transaction(async (ctx) => {
      const invitation = await ctx.em.findOneOrFail(InvitationEntity, {
        where: { id: found.id },
        lock: writeLock(ctx.em),
      });
      requirePending(invitation, ctx.now());
      await ctx.em.update(InvitationEntity, { id: invitation.id }, { status: InvitationStatus.DECLINED });
      const invitee = await ctx.em.findOneBy(UserEntity, { email: invitation.email });
      await this.audit.record(
        invitee ? ctx.withViewer({ user: invitee, token: null, via: 'invitation' }) : ctx,
        invitation.organizationId,
        'invitation.declined',
        `invitation:${invitation.id} (${invitation.email})`,
      );
      return Object.assign(invitation, { status: InvitationStatus.DECLINED });
    });
  }

  /**
   * User.invitations: the pending, unexpired invitations addressed to the user's account email, newest
   * first, at most 100. Sign-up does not verify the email, so this matches the exact (normalized)
   * account email only; accepting still needs the mailed token, which proves the address.
   */
  listForUser(ctx: RequestContext, user: UserEntity): Promise<InvitationEntity[]> {
    return ctx.em
      .createQueryBuilder(InvitationEntity, 'i')
      .where('i.email = :email AND i.status = :pending AND i.expiresAt > :now', {
        email: user.email,
        pending: InvitationStatus.PENDING,
        now: ctx.now(),
      })
      .orderBy('i.id', 'DESC')
      .limit(LIST_LIMIT)
      .getMany();
  }

  /** For node(id): only those who manage members see an invitation. */
  async findVisible(ctx: RequestContext, invitationId: number): Promise<InvitationEntity | null> {
    const invitation = await ctx.em.findOneBy(InvitationEntity, { id: invitationId });
    return invitation && hasPermission(await ctx.access.forOrganization(invitation.organizationId), 'manageMembers')
      ? invitation
      : null;
  }

  private async createAccount(
    ctx: RequestContext,
    email: string,
    account: { name: string; passwordHash: string } | null,
  ): Promise<UserEntity> {
    if (!account)
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'name and password are required to create your account.', [
        'input',
        'name',
      ]);
    return ctx.em
      .save(ctx.em.create(UserEntity, { email, ...account, staffRole: null, createdAt: ctx.now() }))
      .catch((error) => {
        if (isUniqueViolation(error))
          throw new BusinessError(
            AccountErrorCode.EMAIL_TAKEN,
            'An account with this email was just created: accept again to join with it.',
            ['input', 'token'],
          );
        throw error;
      });
  }
}

function notPending(invitation: InvitationEntity): BusinessError {
  return new BusinessError(
    MembershipErrorCode.INVITATION_NOT_PENDING,
    `This invitation was already ${invitation.status.toLowerCase()}.`,
    ['input', 'token'],
  );
}

function requirePending(invitation: InvitationEntity, now: Date): void {
  if (invitation.status !== InvitationStatus.PENDING) throw notPending(invitation);
  if (invitation.expiresAt.getTime() <= now.getTime()) {
    throw new BusinessError(MembershipErrorCode.INVITATION_EXPIRED, 'This invitation has expired: ask for a new one.', [
      'input',
      'token',
    ]);
  }
}

const ROLE_LABEL: Record<MemberRole, string> = {
  [MemberRole.LEGAL_REPRESENTATIVE]: 'legal representative',
  [MemberRole.ADMINISTRATOR]: 'administrator',
  [MemberRole.USER]: 'user',
};

function invitationMail(
  ctx: RequestContext,
  publicUrl: string,
  organization: OrganizationEntity,
  team: TeamEntity | null,
  invitation: InvitationEntity,
  token: string,
): Mail {
  const inviter = ctx.viewer?.user.name ?? 'Someone';
  const what = team
    ? `the team "${team.name}" of ${organization.name}`
    : `${organization.name} as ${ROLE_LABEL[invitation.role]}`;
  return {
    to: invitation.email,
    subject: team
      ? `Invitation to the team ${team.name} of ${organization.name}`
      : `Invitation to join ${organization.name}`,
    text: [
      `${inviter} invites you to join ${what}.`,
      '',
      `Accept the invitation: ${publicUrl}/?invitation=${token}`,
      '',
      `Or use this invitation token with the acceptInvitation mutation: ${token}`,
      '',
      `The invitation expires on ${invitation.expiresAt.toISOString()}. If you did not expect it, ignore this message.`,
    ].join('\n'),
  };
}
