import { In, IsNull, MoreThan, Not } from 'typeorm';
import type { Mailer } from '../../common/mail';
import { requireEmail } from '../../common/validate';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { UserEntity } from '../accounts/user.entity';
import { OrderEntity, OrderStatus } from '../orders/order.entity';
import type { UnblockProcedure } from '../orders/unblock-procedure';
import { ProductEntity, ProductStatus, ProductType } from '../products/product.entity';
import { IdentityConfig } from './identity.config';
import { IdentityErrorCode } from './identity.errors';
import {
  IdentityVerificationEntity as Verification,
  VerificationReason,
  VerificationStatus,
  VerificationStep,
} from './identity-verification.entity';
import { VerificationAuditLog } from './verification-audit';
import { newNonce, VerificationLinks, wholeSeconds } from './verification-links';
import { linkMail } from './verification-mail';
import { OPEN_STATUSES, starterOf } from './verification-steps';

type Subject = Pick<Verification, 'reason' | 'userId' | 'organizationId' | 'orderId' | 'email'>;

/**
 * Starts identity verifications (R23) and mails their link with its QR code: for a blocked order
 * (by the platform, R21), for account recovery (signed out: forgotten password or login address,
 * account unlock), for a signed-in user (2FA deactivation, first ticketing payout). A verification
 * still open for the same purpose is reused, so asking again re-sends the same link.
 */
export class VerificationStartService implements UnblockProcedure {
  constructor(
    private readonly links: VerificationLinks,
    private readonly mailer: Mailer,
    private readonly log: VerificationAuditLog,
    private readonly rules: IdentityConfig,
  ) {}

  /**
   * The unblocking procedure of a BLOCKED order (R21): its verification (opened on first use, valid
   * until the order's auto-cancel) mailed with the QR code to the login address of the user who
   * placed the order. Nothing for an order that is not blocked.
   */
  async sendUnblockProcedure(ctx: RequestContext, orderId: number): Promise<void> {
    const opened = await ctx.transaction(async (ctx) => {
      const order = await ctx.em.findOne(OrderEntity, { where: { id: orderId }, lock: writeLock(ctx.em) });
      if (!order || order.status !== OrderStatus.BLOCKED) return null;
      const user = await ctx.em.findOneByOrFail(UserEntity, { id: order.placedByUserId });
      const subject = {
        reason: VerificationReason.BLOCKED_ORDER,
        userId: user.id,
        organizationId: order.organizationId,
        orderId: order.id,
        email: user.email,
      };
      return { order, verification: await this.openOrReuse(ctx, subject, order.autoCancelAt) };
    });
    if (opened) await this.mailLink(opened.verification, opened.order);
  }

  /**
   * A signed-out person asks to recover an account (forgotten password, account unlock: `email` is
   * the login address; forgotten login address: `email` is where to answer). The answer never says
   * whether an account exists: a link is mailed only to a login address that has one.
   */
  async startAccountRecovery(ctx: RequestContext, reason: VerificationReason, email: string): Promise<void> {
    if (starterOf(reason) !== 'SIGNED_OUT') throw invalidReason(reason, 'startIdentityVerification');
    const address = requireEmail(email, ['input', 'email']);
    const verification = await ctx.transaction(async (ctx) => {
      if (reason === VerificationReason.FORGOTTEN_LOGIN_EMAIL)
        return this.openOrReuse(ctx, { reason, userId: null, organizationId: null, orderId: null, email: address });
      const user = await ctx.em.findOneBy(UserEntity, { email: address });
      if (!user) return null;
      return this.openOrReuse(ctx, { reason, userId: user.id, organizationId: null, orderId: null, email: user.email });
    });
    if (verification) await this.mailLink(verification);
  }

  /**
   * A signed-in user starts a verification for 2FA deactivation or for an organization's first
   * ticketing payout (as its legal representative). Returns it and its link (to show as a QR code
   * on screen); the link is mailed to the login address as well.
   */
  async startForViewer(
    ctx: RequestContext,
    reason: VerificationReason,
    organizationId: number | null,
  ): Promise<{ verification: Verification; url: string }> {
    if (starterOf(reason) !== 'SIGNED_IN') throw invalidReason(reason, 'startAccountRecovery');
    const user = ctx.user;
    if (reason === VerificationReason.TICKETING_FIRST_PAYOUT) {
      if (organizationId === null)
        throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'organizationId is required for a ticketing payout.', [
          'input',
          'organizationId',
        ]);
      await ctx.access.require(organizationId, 'editDetails');
    } else organizationId = null;
    const verification = await ctx.transaction(async (ctx) => {
      const fresh = await ctx.em.findOneOrFail(UserEntity, { where: { id: user.id }, lock: writeLock(ctx.em) });
      if (reason === VerificationReason.DISABLE_TWO_FACTOR && !fresh.twoFactorEnabled)
        throw new BusinessError(
          IdentityErrorCode.TWO_FACTOR_NOT_ENABLED,
          'Two-factor authentication is not on for this account.',
          ['input', 'reason'],
        );
      if (reason === VerificationReason.TICKETING_FIRST_PAYOUT) await this.requirePayoutPending(ctx, organizationId!);
      return this.openOrReuse(ctx, { reason, userId: user.id, organizationId, orderId: null, email: fresh.email });
    });
    await this.mailLink(verification);
    return { verification, url: this.links.urlOf(verification) };
  }

  /** The open, unexpired verification for the same purpose, or a new one valid until `until` (default: linkValidHours). */
  private async openOrReuse(ctx: RequestContext, subject: Subject, until?: Date | null): Promise<Verification> {
    const now = ctx.now();
    const existing = await ctx.em.findOne(Verification, {
      where: {
        reason: subject.reason,
        userId: subject.userId ?? IsNull(),
        orderId: subject.orderId ?? IsNull(),
        organizationId: subject.organizationId ?? IsNull(),
        email: subject.email,
        status: In(OPEN_STATUSES),
        expiresAt: MoreThan(now),
      },
      order: { id: 'DESC' },
    });
    if (existing) return existing;
    const verification = await ctx.em.save(
      ctx.em.create(Verification, {
        ...subject,
        status: VerificationStatus.STARTED,
        step: VerificationStep.PHONE_NUMBER,
        tokenNonce: newNonce(),
        phoneNumber: null,
        codeHash: null,
        codeExpiresAt: null,
        codeAttempts: 0,
        smsCount: 0,
        geolocation: null,
        geolocationConsentAt: null,
        documentType: null,
        expiresAt: wholeSeconds(until ?? new Date(now.getTime() + this.rules.linkValidHours * 3_600_000)),
        submittedAt: null,
        purgeAt: null,
        decidedAt: null,
        decidedById: null,
        closedReason: null,
        purgedAt: null,
        createdAt: now,
      }),
    );
    await this.log.record(ctx, verification, 'identity_verification.started', subject.reason);
    return verification;
  }

  /** NO_TICKETING_PRODUCT without a ticketing product; ALREADY_VERIFIED once a payout verification was approved. */
  private async requirePayoutPending(ctx: RequestContext, organizationId: number): Promise<void> {
    const ticketing = await ctx.em.existsBy(ProductEntity, {
      organizationId,
      type: ProductType.TICKETING,
      status: Not(ProductStatus.CANCELLED),
    });
    if (!ticketing)
      throw new BusinessError(IdentityErrorCode.NO_TICKETING_PRODUCT, 'This organization has no ticketing product.', [
        'input',
        'organizationId',
      ]);
    const approved = await ctx.em.existsBy(Verification, {
      organizationId,
      reason: VerificationReason.TICKETING_FIRST_PAYOUT,
      status: VerificationStatus.APPROVED,
    });
    if (approved)
      throw new BusinessError(
        IdentityErrorCode.ALREADY_VERIFIED,
        'Ticketing payouts of this organization were already verified.',
        ['input', 'organizationId'],
      );
  }

  private async mailLink(verification: Verification, order?: OrderEntity): Promise<void> {
    const url = this.links.urlOf(verification);
    const { reason, expiresAt, email } = verification;
    await this.mailer.send(await linkMail({ to: email, reason, url, expiresAt, order }));
  }
}

const invalidReason = (reason: VerificationReason, instead: string) =>
  new BusinessError(
    IdentityErrorCode.INVALID_REASON,
    reason === VerificationReason.BLOCKED_ORDER
      ? 'A blocked order starts its verification by itself (resendUnblockProcedure sends its link again).'
      : `A verification for ${reason} is started with ${instead}.`,
    ['input', 'reason'],
  );
