import { Brackets, In, IsNull } from 'typeorm';
import type { Mail, Mailer } from '../../common/mail';
import { requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { PageArgs, paginate } from '../../graphql/connection';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { sweepEach } from '../../jobs/sweep';
import { hasPermission } from '../access/permissions';
import { StaffRole, UserEntity } from '../accounts/user.entity';
import { OrderEntity } from '../orders/order.entity';
import { IdentityErrorCode as Code } from './identity.errors';
import {
  IdentityVerificationEntity as Verification,
  VerificationReason,
  VerificationStatus,
} from './identity-verification.entity';
import { EncryptedFileStore } from './image-files';
import { VerificationAuditLog } from './verification-audit';
import { VerificationEffects } from './verification-effects';
import { VerificationImageEntity } from './verification-image.entity';
import { closeAndPurge } from './verification-purge';
import { OPEN_STATUSES, purgeDueReason } from './verification-steps';

const isStaff = (ctx: RequestContext) =>
  ctx.viewer?.user.staffRole === StaffRole.SUPPORT || ctx.viewer?.user.staffRole === StaffRole.ADMIN;

function requireStaff(ctx: RequestContext): void {
  if (!isStaff(ctx)) throw new ForbiddenError('Only platform support staff review identity verifications.');
}

/**
 * Support's side of identity verification (R23, R24): the list of verifications, their images
 * (decrypted on the fly, every view audited), approval with the reason's effect, rejection, and the
 * purge: data goes when a case closes, and 72 hours after submission when nobody handled it.
 */
export class VerificationReviewService {
  constructor(
    private readonly mailer: Mailer,
    private readonly files: EncryptedFileStore,
    private readonly log: VerificationAuditLog,
    private readonly effects: VerificationEffects,
  ) {}

  /** identityVerifications(status): staff only, oldest first (the waiting queue in order). */
  async list(ctx: RequestContext, status: VerificationStatus | null, page: PageArgs) {
    requireStaff(ctx);
    const query = ctx.em.createQueryBuilder(Verification, 'v');
    if (status) query.where('v.status = :status', { status });
    return paginate(query, page, (v) => v);
  }

  /** For node(id): staff see every verification, a user their own, billing members their organization's orders'. */
  async findVisible(ctx: RequestContext, id: number): Promise<Verification | null> {
    const v = await ctx.em.findOneBy(Verification, { id });
    if (!v || !ctx.viewer) return null;
    if (isStaff(ctx) || v.userId === ctx.viewer.user.id) return v;
    if (v.organizationId && v.orderId)
      return hasPermission(await ctx.access.forOrganization(v.organizationId), 'viewBilling') ? v : null;
    return null;
  }

  /** The images of a verification (metadata only), for staff. */
  async imagesOf(ctx: RequestContext, verificationId: number): Promise<VerificationImageEntity[]> {
    requireStaff(ctx);
    return ctx.loaders.verificationImages.load(verificationId);
  }

  /**
   * Approves a SUBMITTED verification and performs its effect in the same transaction (unblocks
   * the order, unlocks the account, mails a reset link, turns 2FA off); its data is deleted, the
   * decision audited and mailed. A forgotten login address needs the account support identified.
   */
  async approve(ctx: RequestContext, id: number, reason: string, accountId: number | null): Promise<Verification> {
    const supportReason = requireText(reason, ['input', 'reason'], { max: 500 });
    return this.decide(ctx, id, async (ctx, v) => {
      if (v.reason === VerificationReason.FORGOTTEN_LOGIN_EMAIL) {
        const account = accountId ? await ctx.em.findOneBy(UserEntity, { id: accountId }) : null;
        if (!account)
          throw new BusinessError(
            Code.ACCOUNT_REQUIRED,
            'Name the account (accountId) whose login address this person recovers.',
            ['input', 'accountId'],
          );
        v.userId = account.id;
        await ctx.em.update(Verification, { id: v.id }, { userId: account.id });
      }
      const mails = await this.effects.approve(ctx, v, supportReason);
      await this.close(ctx, v, VerificationStatus.APPROVED, supportReason);
      return mails;
    });
  }

  /** Rejects a SUBMITTED verification: nothing changes on the account or order, the person is told why. */
  async reject(ctx: RequestContext, id: number, reason: string): Promise<Verification> {
    const supportReason = requireText(reason, ['input', 'reason'], { max: 500 });
    return this.decide(ctx, id, async (ctx, v) => {
      await this.close(ctx, v, VerificationStatus.REJECTED, supportReason);
      return [this.effects.rejectionMail(v, supportReason)];
    });
  }

  /**
   * The staff-only image route: the plain bytes of one image, decrypted on the fly; the view is
   * audited first. Null when there is no such image (any more).
   */
  async openImage(
    ctx: RequestContext,
    verificationId: number,
    imageId: number,
  ): Promise<{ contentType: string; content: Buffer } | null> {
    requireStaff(ctx);
    const image = await ctx.em.findOneBy(VerificationImageEntity, { id: imageId, verificationId });
    if (!image) return null;
    const content = await this.files.read(verificationId, image.fileName);
    await ctx.transaction(async (ctx) => {
      const v = await ctx.em.findOneByOrFail(Verification, { id: verificationId });
      await this.log.record(ctx, v, 'identity_verification.image_viewed', `image:${image.id} ${image.kind}`);
    });
    return { contentType: image.contentType, content };
  }

  /**
   * The R24 sweep: an open verification past its link's expiry, a submitted one past purgeAt (or,
   * for a blocked order, past the order's auto-cancel) is closed EXPIRED and its data deleted,
   * database rows and files; folders left by an interrupted purge are removed. Idempotent.
   */
  async purgeDue(ctx: RequestContext, now: Date): Promise<number> {
    const due = await ctx.em
      .createQueryBuilder(Verification, 'v')
      .select(['v.id'])
      .where('v.purgedAt IS NULL')
      .andWhere('v.status IN (:...open)', { open: OPEN_STATUSES })
      .andWhere(
        new Brackets((q) =>
          q
            .where('v.purgeAt <= :now')
            .orWhere('(v.status <> :submitted OR v.reason = :blocked) AND v.expiresAt <= :now'),
        ),
        { now, submitted: VerificationStatus.SUBMITTED, blocked: VerificationReason.BLOCKED_ORDER },
      )
      .orderBy('v.id', 'ASC')
      .getMany();
    const purged = await sweepEach(due, async ({ id }) => {
      const closed = await ctx.transaction(async (ctx) => {
        const v = await ctx.em.findOne(Verification, { where: { id, purgedAt: IsNull() }, lock: writeLock(ctx.em) });
        const why = v && purgeDueReason(v, now);
        if (!v || !why) return null;
        await closeAndPurge(ctx, v, VerificationStatus.EXPIRED, why);
        await this.log.record(ctx, v, 'identity_verification.purged', why);
        return v;
      });
      if (!closed) return 0;
      await this.files.removeAll(closed.id);
      return 1;
    });
    return purged + (await this.removeLeftoverFolders(ctx));
  }

  /** True once a ticketing payout verification of the organization was approved (for the payout module). */
  hasApprovedPayoutVerification(ctx: RequestContext, organizationId: number): Promise<boolean> {
    return ctx.em.existsBy(Verification, {
      organizationId,
      reason: VerificationReason.TICKETING_FIRST_PAYOUT,
      status: VerificationStatus.APPROVED,
    });
  }

  /** The order a verification releases, for staff. */
  async orderOf(ctx: RequestContext, orderId: number): Promise<OrderEntity | null> {
    requireStaff(ctx);
    return ctx.loaders.order.load(orderId);
  }

  private async decide(
    ctx: RequestContext,
    id: number,
    work: (ctx: RequestContext, v: Verification) => Promise<Mail[]>,
  ): Promise<Verification> {
    requireStaff(ctx);
    const { v, mails } = await ctx.transaction(async (ctx) => {
      const v = await ctx.em.findOne(Verification, { where: { id }, lock: writeLock(ctx.em) });
      if (!v) throw new BusinessError(Code.NOT_FOUND, 'No such identity verification.', ['input', 'verificationId']);
      if (v.status !== VerificationStatus.SUBMITTED)
        throw new BusinessError(
          Code.NOT_SUBMITTED,
          `Only a submitted verification can be decided; this one is ${v.status}.`,
          ['input', 'verificationId'],
        );
      if (v.userId === ctx.user.id)
        throw new BusinessError(Code.OWN_VERIFICATION, 'Another staff member must decide on your own verification.', [
          'input',
          'verificationId',
        ]);
      return { v, mails: await work(ctx, v) };
    });
    await this.files.removeAll(v.id);
    for (const mail of mails) await this.mailer.send(mail);
    return v;
  }

  private async close(
    ctx: RequestContext,
    v: Verification,
    status: VerificationStatus.APPROVED | VerificationStatus.REJECTED,
    supportReason: string,
  ): Promise<void> {
    const decided = { decidedAt: ctx.now(), decidedById: ctx.user.id };
    await ctx.em.update(Verification, { id: v.id }, decided);
    Object.assign(v, decided);
    await closeAndPurge(ctx, v, status, supportReason);
    const action = status === VerificationStatus.APPROVED ? 'approved' : 'rejected';
    await this.log.record(ctx, v, `identity_verification.${action}`, supportReason);
  }

  /** Folders whose verification was purged (or never committed): what a failed file removal left. */
  private async removeLeftoverFolders(ctx: RequestContext): Promise<number> {
    const folders = await this.files.folders();
    if (folders.length === 0) return 0;
    const live = await ctx.em.find(Verification, {
      select: { id: true },
      where: { id: In(folders), purgedAt: IsNull() },
    });
    const keep = new Set(live.map((v) => v.id));
    const leftovers = folders.filter((id) => !keep.has(id));
    for (const id of leftovers) await this.files.removeAll(id);
    return leftovers.length;
  }
}
