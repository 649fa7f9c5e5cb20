import { In } from 'typeorm';
import type { Mailer } from '../../common/mail';
import { RequestContext } from '../../context';
import { UserEntity } from '../accounts/user.entity';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { NoticeEntity } from './notice.entity';

/** Who receives billing notices: members with the billing contact preference, else the legal representatives (R3). */
export async function billingContacts(ctx: RequestContext, organizationId: number): Promise<string[]> {
  const memberships = await ctx.em.findBy(MembershipEntity, { organizationId });
  const chosen = memberships.filter((m) => m.notifyBilling);
  const recipients = chosen.length ? chosen : memberships.filter((m) => m.role === MemberRole.LEGAL_REPRESENTATIVE);
  if (!recipients.length) return [];
  const users = await ctx.em.findBy(UserEntity, { id: In(recipients.map((m) => m.userId)) });
  return users.map((u) => u.email);
}

/** Records a notice key inside the caller's transaction; false when it was already sent. */
export async function claimNotice(ctx: RequestContext, organizationId: number, key: string): Promise<boolean> {
  if (await ctx.em.existsBy(NoticeEntity, { key })) return false;
  await ctx.em.insert(NoticeEntity, { organizationId, key, createdAt: ctx.now() });
  return true;
}

/** Mails every billing contact of the organization. */
export async function mailBillingContacts(
  ctx: RequestContext,
  mailer: Mailer,
  organizationId: number,
  subject: string,
  text: string,
): Promise<void> {
  for (const to of await billingContacts(ctx, organizationId)) await mailer.send({ to, subject, text });
}
