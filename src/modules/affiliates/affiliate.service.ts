import { randomCode } from '../../common/random-code';
import { randomInt } from 'node:crypto';
import DataLoader from 'dataloader';
import { EntityManager, In, Not } from 'typeorm';
import { addDays } from '../../calc/periods';
import { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import type { AccountEventMap } from '../accounts/account.events';
import { UserEntity } from '../accounts/user.entity';
import type { AuditService } from '../audit/audit.service';
import { MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity, OrganizationKind } from '../organizations/organization.entity';
import { PartnerEntity, PartnerStatus } from '../partners/partner.entity';
import { AffiliateConfig } from './affiliate.config';
import { AffiliateEntity } from './affiliate.entity';
import { AffiliateErrorCode } from './affiliate.errors';
import { AffiliateReferralEntity } from './referral.entity';

/** Affiliate codes: no 0/O, 1/I/L look-alikes; 31^8 ≈ 8.5e11 codes. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
const CUSTOMER_NUMBER_MIN = 100000;
const CUSTOMER_NUMBER_MAX = 999999;

function newCode(): string {
  return randomCode(CODE_ALPHABET, CODE_LENGTH);
}

/**
 * R29 for the partner application: true when the organization is in the affiliate program. A
 * partner application must refuse such an organization (and lock the organization row first, as
 * joinAffiliateProgram does, so that the two cannot pass at the same time).
 */
export async function isAffiliate(manager: EntityManager, organizationId: number): Promise<boolean> {
  return manager.existsBy(AffiliateEntity, { organizationId });
}

/** Lower case, without a "+tag": what tells the same mailbox behind two addresses. */
const mailbox = (email: string) => email.toLowerCase().replace(/\+[^@]*@/, '@');

/** Per request (keyed by the request's loaders): the affiliate row of organizations, one query per tick. */
const byOrganization = new WeakMap<object, DataLoader<number, AffiliateEntity | null>>();

/**
 * Joining the affiliate program and the referrals of new customers (R29, R35). Commissions are
 * the CommissionService's.
 */
export class AffiliateService {
  constructor(
    private readonly config: AffiliateConfig,
    private readonly audit: AuditService,
    private readonly publicUrl: string,
  ) {}

  /** The link that carries the code to the sign-up page. */
  linkOf(affiliate: AffiliateEntity): string {
    return `${this.publicUrl}/?ref=${affiliate.code}`;
  }

  /**
   * Makes an INDIVIDUAL organization, not a partner, an affiliate; its legal representative only
   * (FORBIDDEN otherwise). Idempotent: an organization that already joined gets its affiliate back.
   * @throws BusinessError NOT_AN_INDIVIDUAL, PARTNER_CANNOT_BE_AFFILIATE
   */
  async join(ctx: RequestContext, organizationId: number): Promise<AffiliateEntity> {
    await ctx.access.require(organizationId, 'editDetails');
    return ctx.transaction(async (ctx) => {
      // The organization row serializes joins (and, R29, a partner application that locks it too).
      const organization = await ctx.em.findOne(OrganizationEntity, {
        where: { id: organizationId },
        lock: writeLock(ctx.em),
      });
      if (!organization) throw new BusinessError(CommonErrorCode.NOT_FOUND, 'No such organization.', ['input']);
      const existing = await ctx.em.findOneBy(AffiliateEntity, { organizationId });
      if (existing) return existing;
      if (organization.kind !== OrganizationKind.INDIVIDUAL)
        throw new BusinessError(
          AffiliateErrorCode.NOT_AN_INDIVIDUAL,
          'The affiliate program is for individuals; a company can apply to the partner program instead.',
          ['input', 'organizationId'],
        );
      const partner = await ctx.em.existsBy(PartnerEntity, {
        organizationId,
        status: Not(PartnerStatus.REJECTED),
      });
      if (partner)
        throw new BusinessError(
          AffiliateErrorCode.PARTNER_CANNOT_BE_AFFILIATE,
          'An organization cannot be a partner and an affiliate at the same time.',
          ['input', 'organizationId'],
        );
      const affiliate = await this.insertWithFreshCode(ctx, organization);
      await this.audit.record(ctx, organizationId, 'affiliate.joined', `code ${affiliate.code}`);
      return affiliate;
    });
  }

  /** The organization's affiliate, for viewers with billing rights there (FORBIDDEN otherwise); batched. */
  async forOrganization(ctx: RequestContext, organizationId: number): Promise<AffiliateEntity | null> {
    await ctx.access.require(organizationId, 'viewBilling');
    let loader = byOrganization.get(ctx.loaders);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const rows = await ctx.em.findBy(AffiliateEntity, { organizationId: In([...ids]) });
        return ids.map((id) => rows.find((row) => row.organizationId === id) ?? null);
      });
      byOrganization.set(ctx.loaders, loader);
    }
    return loader.load(organizationId);
  }

  /** node(id): the affiliate when the viewer has billing rights in its organization, else null. */
  async findVisible(ctx: RequestContext, id: number): Promise<AffiliateEntity | null> {
    const affiliate = await ctx.em.findOneBy(AffiliateEntity, { id });
    if (!affiliate) return null;
    const access = await ctx.access.forOrganization(affiliate.organizationId);
    return hasPermission(access, 'viewBilling') ? affiliate : null;
  }

  /**
   * accounts' `signedUp` listener: a known code records the referral and its window from now (R35).
   * An unknown or malformed code and a self-referral are ignored without a word: the sign-up
   * answer must not tell whether a code exists.
   */
  async onSignedUp({ ctx, user, organization, affiliateCode }: AccountEventMap['signedUp']): Promise<void> {
    const code = (affiliateCode ?? '').trim().toUpperCase();
    if (!CODE_PATTERN.test(code)) return;
    const affiliate = await ctx.em.findOneBy(AffiliateEntity, { code });
    if (!affiliate || (await this.isSelfReferral(ctx, affiliate, user))) return;
    const now = ctx.now();
    await ctx.em.insert(AffiliateReferralEntity, {
      affiliateId: affiliate.id,
      organizationId: organization.id,
      userId: user.id,
      customerNumber: await this.freeCustomerNumber(ctx, affiliate.id),
      createdAt: now,
      expiresAt: addDays(now, this.config.referralWindowDays),
    });
  }

  /** The person signing up is a member of the affiliate's organization (signed in as one, or by mailbox). */
  private async isSelfReferral(ctx: RequestContext, affiliate: AffiliateEntity, user: UserEntity): Promise<boolean> {
    const members = await ctx.em
      .createQueryBuilder(MembershipEntity, 'm')
      .innerJoin(UserEntity, 'u', 'u.id = m.userId')
      .select(['u.id AS id', 'u.email AS email'])
      .where('m.organizationId = :organizationId', { organizationId: affiliate.organizationId })
      .limit(1000)
      .getRawMany<{ id: number; email: string }>();
    const viewerId = ctx.viewer?.user.id;
    return members.some((m) => Number(m.id) === viewerId || mailbox(m.email) === mailbox(user.email));
  }

  /** A random customer number not yet used among the affiliate's customers. */
  private async freeCustomerNumber(ctx: RequestContext, affiliateId: number): Promise<number> {
    for (;;) {
      const candidate = randomInt(CUSTOMER_NUMBER_MIN, CUSTOMER_NUMBER_MAX + 1);
      if (!(await ctx.em.existsBy(AffiliateReferralEntity, { affiliateId, customerNumber: candidate })))
        return candidate;
    }
  }

  private async insertWithFreshCode(ctx: RequestContext, organization: OrganizationEntity): Promise<AffiliateEntity> {
    for (let attempt = 1; ; attempt += 1) {
      const row = ctx.em.create(AffiliateEntity, {
        organizationId: organization.id,
        code: newCode(),
        currency: organization.currency,
        joinedById: ctx.viewer?.user.id ?? 0,
        createdAt: ctx.now(),
      });
      try {
        await ctx.em.insert(AffiliateEntity, row);
        return ctx.em.findOneByOrFail(AffiliateEntity, { organizationId: organization.id });
      } catch (error) {
        // Only the code can collide here: the organization row is locked.
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }
}
