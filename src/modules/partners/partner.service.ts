import { randomCode } from '../../common/random-code';
import { In } from 'typeorm';
import type { Mail, Mailer } from '../../common/mail';
import { Currency } from '../../calc/money';
import { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { writeLock } from '../../db/transaction';
import { BusinessError, BusinessErrors, ForbiddenError } from '../../graphql/errors';
import { StaffRole, UserEntity } from '../accounts/user.entity';
import type { AuditService } from '../audit/audit.service';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { checkEligibility } from './partner-eligibility';
import {
  DEFAULT_PARTNER_RULES,
  eligibilityThreshold,
  nextTierFor,
  PartnerProgramRules,
  tierForVolume,
} from '../../calc/partner-pricing';
import { PartnerEntity, PartnerStatus, PartnerTier } from './partner.entity';
import { PartnerErrorCode as Code } from './partner.errors';
import { loadManagedFigures } from './partner.loaders';

export interface ApplyForPartnerProgramInput {
  organizationId: number;
  companyRegistrationId: string;
  website: string;
  acceptResellerTerms: boolean;
}

/**
 * Whether an organization is an affiliate (R29). HOOK: the affiliate program (src/modules/affiliates,
 * built in parallel) answers it; until it is wired in services.ts, no organization is an affiliate.
 */
export type AffiliateLookup = (ctx: RequestContext, organizationId: number) => Promise<boolean>;
export const noAffiliateProgramYet: AffiliateLookup = async () => false;

/** A partner's live standing (R28, R30): its tier and the eligibility meter, minor units of its currency. */
export interface PartnerStanding {
  currency: Currency;
  managedYearlyVolume: number;
  eligibilityThreshold: number;
  /** The tier its volume reaches; null below the threshold or while the partner is not ACTIVE. */
  tier: PartnerTier | null;
  rateBp: number;
  nextTier: PartnerTier | null;
  volumeToNextTier: number | null;
  /** ACTIVE web hostings billed to the partner now (the degressive count before a cart). */
  webHostingsBilled: number;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const REASON_MAX = 500;

const isPlatformAdmin = (ctx: RequestContext) => ctx.viewer?.user.staffRole === StaffRole.ADMIN;

/**
 * The partner program's applications and standing (R28, R29): a company's legal representative
 * applies, platform administrators approve or reject, and the tier follows the volume it manages.
 */
export class PartnerService {
  constructor(
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly isAffiliate: AffiliateLookup = noAffiliateProgramYet,
    readonly rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
  ) {}

  /**
   * applyForPartnerProgram: only a legal representative of the organization. Every unmet condition
   * comes back at once, each on its field; a refused application writes nothing. An organization
   * whose application was REJECTED may apply again (the same row goes back to APPLIED and keeps its
   * code); an APPLIED, ACTIVE or SUSPENDED one is told so. Two submits at once leave one row (the
   * organization row is locked, and the unique index on organizationId backs it).
   */
  async apply(ctx: RequestContext, input: ApplyForPartnerProgramInput): Promise<PartnerEntity> {
    await ctx.access.require(input.organizationId, 'editDetails');
    try {
      return await ctx.transaction(async (ctx) => {
        const org = await ctx.em.findOne(OrganizationEntity, {
          where: { id: input.organizationId },
          lock: writeLock(ctx.em),
        });
        if (!org) throw new ForbiddenError();
        const existing = await ctx.em.findOneBy(PartnerEntity, { organizationId: org.id });
        if (existing) refuseStanding(existing);
        const currency = org.currency as Currency;
        const figures = (await loadManagedFigures(ctx.em, [org.id])).get(org.id);
        const verdict = checkEligibility({
          kind: org.kind,
          currency,
          companyRegistrationId: input.companyRegistrationId,
          website: input.website,
          acceptResellerTerms: input.acceptResellerTerms,
          managedYearlyVolume: figures?.volume ?? 0,
          threshold: eligibilityThreshold(currency, this.rules),
          isAffiliate: await this.isAffiliate(ctx, org.id),
        });
        if (!verdict.eligible) throw new BusinessErrors(verdict.errors);
        const application = {
          status: PartnerStatus.APPLIED,
          companyRegistrationId: verdict.companyRegistrationId,
          website: verdict.website,
          appliedById: ctx.user.id,
          appliedAt: ctx.now(),
          reviewedById: null,
          reviewedAt: null,
          reviewReason: null,
        };
        let partnerId: number;
        if (existing) {
          const { affected } = await ctx.em.update(
            PartnerEntity,
            { id: existing.id, status: PartnerStatus.REJECTED },
            application,
          );
          if (affected !== 1) throw pendingError();
          partnerId = existing.id;
        } else {
          const inserted = await ctx.em.insert(PartnerEntity, {
            ...application,
            organizationId: org.id,
            code: newCode(),
          });
          partnerId = inserted.identifiers[0].id as number;
        }
        const partner = await ctx.em.findOneByOrFail(PartnerEntity, { id: partnerId });
        await this.audit.record(
          ctx,
          org.id,
          existing ? 'partner.reapplied' : 'partner.applied',
          `partner:${partner.id} ${partner.companyRegistrationId} ${partner.website}`,
        );
        return partner;
      });
    } catch (error) {
      // The other submit won the race on uq_partner_org (or, once in 2^40, on the code: submit again).
      if (isUniqueViolation(error)) throw pendingError();
      throw error;
    }
  }

  /**
   * reviewPartnerApplication: platform administrators approve (the partner becomes ACTIVE and its
   * code usable by clients) or reject (a reason is required) an APPLIED partner. A staff member who
   * belongs to the applicant organization cannot review it. Audited in the organization's log; the
   * organization's legal representatives are mailed either way.
   */
  async review(
    ctx: RequestContext,
    partnerId: number,
    approve: boolean,
    reason?: string | null,
  ): Promise<PartnerEntity> {
    if (!isPlatformAdmin(ctx)) throw new ForbiddenError('Only platform administrators review partner applications.');
    const why = (reason ?? '').normalize('NFC').trim();
    if (!approve && !why)
      throw new BusinessError(Code.REASON_REQUIRED, 'A rejection needs a reason; the applicant reads it.', [
        'input',
        'reason',
      ]);
    if (why.length > REASON_MAX)
      throw new BusinessError(Code.REASON_REQUIRED, `The reason must be at most ${REASON_MAX} characters.`, [
        'input',
        'reason',
      ]);
    const { partner, mails } = await ctx.transaction(async (ctx) => {
      const partner = await ctx.em.findOne(PartnerEntity, { where: { id: partnerId }, lock: writeLock(ctx.em) });
      if (!partner)
        throw new BusinessError(Code.PARTNER_NOT_FOUND, 'No such partner application.', ['input', 'partnerId']);
      if (await ctx.em.existsBy(MembershipEntity, { organizationId: partner.organizationId, userId: ctx.user.id }))
        throw new BusinessError(
          Code.OWN_APPLICATION,
          'You belong to the applicant organization: another administrator must review it.',
          ['input', 'partnerId'],
        );
      if (partner.status !== PartnerStatus.APPLIED)
        throw new BusinessError(
          Code.NOT_PENDING,
          `Only an APPLIED partner can be reviewed; this one is ${partner.status}.`,
          ['input', 'partnerId'],
        );
      const decision = {
        status: approve ? PartnerStatus.ACTIVE : PartnerStatus.REJECTED,
        reviewedById: ctx.user.id,
        reviewedAt: ctx.now(),
        reviewReason: why || null,
      };
      await ctx.em.update(PartnerEntity, { id: partner.id, status: PartnerStatus.APPLIED }, decision);
      Object.assign(partner, decision);
      await this.audit.record(
        ctx,
        partner.organizationId,
        approve ? 'partner.approved' : 'partner.rejected',
        `partner:${partner.id} ${partner.code}${why ? ` ${why}` : ''}`,
      );
      return { partner, mails: await this.decisionMails(ctx, partner) };
    });
    for (const mail of mails) await this.mailer.send(mail);
    return partner;
  }

  /** partner(id) and node(id): members of the partner organization and platform administrators; null otherwise. */
  async findVisible(ctx: RequestContext, partnerId: number): Promise<PartnerEntity | null> {
    const partner = await ctx.loaders.partner.load(partnerId);
    if (!partner || !ctx.viewer) return null;
    return (await this.mayView(ctx, partner)) ? partner : null;
  }

  /** Organization.partner: the organization was already reached, its partner row has the same visibility. */
  async partnerOfOrganization(ctx: RequestContext, organizationId: number): Promise<PartnerEntity | null> {
    const partner = await ctx.loaders.partnerOfOrganization.load(organizationId);
    // Partner.clients and others load it by id next: the same row, no second statement.
    if (partner) ctx.loaders.partner.prime(partner.id, partner);
    return partner;
  }

  /** A partner of which the viewer is a member (priceQuote and the partner's own tools); FORBIDDEN otherwise. */
  async requireMember(ctx: RequestContext, partnerId: number): Promise<PartnerEntity> {
    const partner = await ctx.loaders.partner.load(partnerId);
    const access = partner && (await ctx.access.forOrganization(partner.organizationId));
    if (!partner || !access || (access.via !== 'MEMBERSHIP' && access.via !== 'SYSTEM')) throw new ForbiddenError();
    return partner;
  }

  /** The partner's live figures; batched across partners (one statement for the figures, one for organizations). */
  async standing(
    ctx: RequestContext,
    partner: Pick<PartnerEntity, 'organizationId' | 'status'>,
  ): Promise<PartnerStanding> {
    const [org, figures] = await Promise.all([
      ctx.loaders.organization.load(partner.organizationId),
      ctx.loaders.managedFigures.load(partner.organizationId),
    ]);
    const currency = (org?.currency ?? 'CHF') as Currency;
    const reached =
      partner.status === PartnerStatus.ACTIVE ? tierForVolume(figures.volume, currency, this.rules) : null;
    const next = nextTierFor(figures.volume, currency, this.rules);
    return {
      currency,
      managedYearlyVolume: figures.volume,
      eligibilityThreshold: eligibilityThreshold(currency, this.rules),
      tier: reached?.tier ?? null,
      rateBp: reached?.rateBp ?? 0,
      nextTier: next?.tier ?? null,
      volumeToNextTier: next?.missing ?? null,
      webHostingsBilled: figures.webHostingsBilled,
    };
  }

  /**
   * The partner's business figures (tier, rate, managed volume): members of its organization and
   * platform administrators, as partner(id); its clients and the public see its identity only.
   * @throws ForbiddenError for anyone else
   */
  async requireFiguresViewer(ctx: RequestContext, partnerOrganizationId: number): Promise<void> {
    if (isPlatformAdmin(ctx)) return;
    const access = ctx.viewer ? await ctx.access.forOrganization(partnerOrganizationId) : null;
    if (!access || (access.via !== 'MEMBERSHIP' && access.via !== 'SYSTEM'))
      throw new ForbiddenError("Only the partner's members see its tier, rate and volumes.");
  }

  private async mayView(ctx: RequestContext, partner: PartnerEntity): Promise<boolean> {
    if (isPlatformAdmin(ctx)) return true;
    const access = await ctx.access.forOrganization(partner.organizationId);
    return !!access && (access.via === 'MEMBERSHIP' || access.via === 'SYSTEM');
  }

  private async decisionMails(ctx: RequestContext, partner: PartnerEntity): Promise<Mail[]> {
    const org = await ctx.em.findOneByOrFail(OrganizationEntity, { id: partner.organizationId });
    const representatives = await ctx.em.findBy(MembershipEntity, {
      organizationId: org.id,
      role: MemberRole.LEGAL_REPRESENTATIVE,
    });
    const users = representatives.length
      ? await ctx.em.findBy(UserEntity, { id: In(representatives.map((m) => m.userId)) })
      : [];
    const approved = partner.status === PartnerStatus.ACTIVE;
    const subject = approved
      ? `${org.name} is now a partner (code ${partner.code})`
      : `Your partner program application for ${org.name} was not approved`;
    const text = approved
      ? [
          `Welcome to the partner program: the application of ${org.name} was approved.`,
          `Your public partner code is ${partner.code}. Clients authorize you by entering it.`,
          partner.reviewReason ? `Note from our team: ${partner.reviewReason}` : '',
        ]
      : [
          `The application of ${org.name} to the partner program was not approved.`,
          `Reason: ${partner.reviewReason}`,
          'You may apply again once the reason is addressed.',
        ];
    return users.map((u) => ({ to: u.email, subject, text: text.filter(Boolean).join('\n\n') }));
  }
}

function refuseStanding(existing: PartnerEntity): void {
  if (existing.status === PartnerStatus.APPLIED) throw pendingError();
  if (existing.status === PartnerStatus.ACTIVE)
    throw new BusinessError(Code.ALREADY_PARTNER, 'This organization is already a partner.', [
      'input',
      'organizationId',
    ]);
  if (existing.status === PartnerStatus.SUSPENDED)
    throw new BusinessError(
      Code.PARTNER_SUSPENDED,
      'This partner is suspended; contact the partner team instead of applying again.',
      ['input', 'organizationId'],
    );
}

function pendingError(): BusinessError {
  return new BusinessError(Code.APPLICATION_PENDING, 'An application of this organization is already being reviewed.', [
    'input',
    'organizationId',
  ]);
}

/** A public partner code: `P-` and 8 characters without look-alikes (0/O, 1/I), 2^40 possibilities. */
export function newCode(): string {
  return `P-${randomCode(CODE_ALPHABET, 8)}`;
}
