import type { Mail } from '../../common/mail';
import { RequestContext } from '../../context';
import type { PasswordResetService } from '../accounts/password-reset.service';
import { UserEntity } from '../accounts/user.entity';
import type { OrderService } from '../orders/order.service';
import { OrderEntity, OrderStatus } from '../orders/order.entity';
import { BusinessError } from '../../graphql/errors';
import { IdentityErrorCode } from './identity.errors';
import { OrganizationEntity } from '../organizations/organization.entity';
import { IdentityVerificationEntity as Verification, VerificationReason } from './identity-verification.entity';
import { decisionMail } from './verification-mail';

/**
 * What an approval does, per reason (R23), inside the approving transaction; returns the mails to
 * send once it committed. And what a rejection tells the person.
 */
export class VerificationEffects {
  constructor(
    private readonly orders: OrderService,
    private readonly passwordResets: PasswordResetService,
  ) {}

  /** Performs the approval's effect (the user of a forgotten login address is set by the caller). */
  async approve(ctx: RequestContext, v: Verification, supportReason: string): Promise<Mail[]> {
    const user = v.userId ? await ctx.em.findOneByOrFail(UserEntity, { id: v.userId }) : null;
    const mail = (effect: string[], to = v.email) =>
      decisionMail({ to, approved: true, reason: v.reason, supportReason, effect });
    switch (v.reason) {
      case VerificationReason.BLOCKED_ORDER: {
        // The order is released: delivered at once when it was paid, payable like any other otherwise (R21).
        const blocked = await ctx.em.findOneBy(OrderEntity, { id: v.orderId!, status: OrderStatus.BLOCKED });
        if (!blocked)
          throw new BusinessError(
            IdentityErrorCode.ORDER_NOT_BLOCKED,
            `Order #${v.orderId} is no longer blocked (it was cancelled): reject this verification instead.`,
            ['input', 'verificationId'],
          );
        const order = await this.orders.unblock(ctx, blocked.id);
        return [
          mail([
            `Order #${order.id} is released.`,
            order.status === OrderStatus.PAID
              ? 'It was paid, so its products are active now.'
              : 'Pay its invoice to have its products delivered.',
          ]),
        ];
      }
      case VerificationReason.ACCOUNT_UNLOCK:
        await ctx.em.update(UserEntity, { id: user!.id }, { lockedAt: null });
        return [mail(['Your account is unlocked: you can log in again.'])];
      case VerificationReason.FORGOTTEN_PASSWORD:
        return [
          mail([
            `Set a new password with this link within ${this.passwordResets.validHours} hours (it works once):`,
            '',
            this.passwordResets.linkFor(user!, ctx.now()),
          ]),
        ];
      case VerificationReason.FORGOTTEN_LOGIN_EMAIL:
        return [
          mail([`The login address of your account is ${user!.email}.`]),
          mail([`Your login address was sent to ${v.email}, as asked with this identity verification.`], user!.email),
        ];
      case VerificationReason.DISABLE_TWO_FACTOR:
        await ctx.em.update(UserEntity, { id: user!.id }, { twoFactorEnabled: false });
        return [mail(['Two-factor authentication is now off for your account. We recommend turning it on again.'])];
      case VerificationReason.TICKETING_FIRST_PAYOUT: {
        const org = await ctx.em.findOneByOrFail(OrganizationEntity, { id: v.organizationId! });
        return [mail([`Ticketing revenue of ${org.name} can now be paid out.`])];
      }
    }
  }

  /** The rejection's mail: support's reason and what happens next. */
  rejectionMail(v: Verification, supportReason: string): Mail {
    const next =
      v.reason === VerificationReason.BLOCKED_ORDER
        ? `Order #${v.orderId} stays on hold and is cancelled, with a full refund, when its time runs out, unless a new verification is approved first (ask for the unblocking procedure again).`
        : 'Nothing was changed on the account. You may start a new verification.';
    return decisionMail({ to: v.email, approved: false, reason: v.reason, supportReason, effect: [next] });
  }
}
