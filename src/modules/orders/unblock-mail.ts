/**
 * The unblocking procedure's mail (R21): a signed link to the identity verification for a blocked
 * order, sent to the login address of the user who placed it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config';
import type { Mail } from '../../common/mail';
import { toGlobalId } from '../../graphql/global-id';
import { OrderEntity } from './order.entity';

const tokenFor = (secretKey: string, orderId: number) =>
  createHmac('sha256', secretKey).update(`unblock-order:${orderId}`).digest('base64url');

/** `<publicUrl>/verify/order/<order global id>?token=<HMAC>`: the token proves the link came from us. */
export function unblockLink(config: Pick<Config, 'publicUrl' | 'secretKey'>, orderId: number): string {
  return `${config.publicUrl}/verify/order/${toGlobalId('Order', orderId)}?token=${tokenFor(config.secretKey, orderId)}`;
}

/** True when `token` is the one unblockLink put in the link of `orderId` (for the verification flow). */
export function isUnblockToken(secretKey: string, orderId: number, token: string): boolean {
  const expected = Buffer.from(tokenFor(secretKey, orderId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unblockMail(config: Pick<Config, 'publicUrl' | 'secretKey'>, order: OrderEntity, to: string): Mail {
  const cancelOn = order.autoCancelAt ? order.autoCancelAt.toISOString().slice(0, 10) : 'soon';
  return {
    to,
    subject: `Your order #${order.id} is on hold: please confirm your identity`,
    text: [
      `Hello,`,
      ``,
      `For your security we put order #${order.id} on hold before delivering it.`,
      `To release it, follow the unblocking procedure (identity verification with your mobile phone):`,
      ``,
      unblockLink(config, order.id),
      ``,
      `Without an answer the order is cancelled on ${cancelOn} and any payment is refunded in full to the method used.`,
      ``,
      `If you did not place this order, you can ignore this message.`,
    ].join('\n'),
  };
}
