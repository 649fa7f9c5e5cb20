/**
 * The mails of identity verification: the link with its QR code as an inline PNG (R21, R23), and
 * the decision (R23). Plain text first; the HTML part only adds the QR code.
 */
import QRCode from 'qrcode';
import type { Mail } from '../../common/mail';
import type { OrderEntity } from '../orders/order.entity';
import { VerificationReason } from './identity-verification.entity';

const QR_CID = 'verification-qr@partner-platform';

/** The QR code of `url` as a PNG: medium error correction, a quiet zone of 2 modules, 4 pixels per module. */
export function qrCodePng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 4 });
}

const day = (date: Date) => date.toISOString().slice(0, 10);

const SUBJECTS: Record<Exclude<VerificationReason, VerificationReason.BLOCKED_ORDER>, string> = {
  FORGOTTEN_PASSWORD: 'Confirm your identity to reset your password',
  FORGOTTEN_LOGIN_EMAIL: 'Confirm your identity to recover your login address',
  ACCOUNT_UNLOCK: 'Confirm your identity to unlock your account',
  DISABLE_TWO_FACTOR: 'Confirm your identity to turn off two-factor authentication',
  TICKETING_FIRST_PAYOUT: 'Confirm your identity for your first ticketing payout',
};

const HOW = [
  'Open the link on your mobile phone, or scan the QR code with it. You will need your phone (we send it a code),',
  'your identity card or passport, and a moment for a photo of yourself holding it.',
];

/**
 * The link's mail. For a blocked order (R21) it says why the order is on hold and when it is
 * cancelled without an answer; for the other reasons what the verification is for.
 */
export async function linkMail(input: {
  to: string;
  reason: VerificationReason;
  url: string;
  expiresAt: Date;
  order?: OrderEntity | null;
}): Promise<Mail> {
  const { to, reason, url, order } = input;
  const lines =
    reason === VerificationReason.BLOCKED_ORDER && order
      ? [
          `Hello,`,
          ``,
          `For your security we put order #${order.id} on hold before delivering it.`,
          `To release it, follow the unblocking procedure (identity verification with your mobile phone):`,
          ``,
          url,
          ``,
          ...HOW,
          ``,
          `Without an answer the order is cancelled on ${order.autoCancelAt ? day(order.autoCancelAt) : 'soon'} and any payment is refunded in full to the method used.`,
          ``,
          `If you did not place this order, you can ignore this message.`,
        ]
      : [
          `Hello,`,
          ``,
          `Someone (we hope you) asked us to confirm your identity. Follow this link until ${day(input.expiresAt)}:`,
          ``,
          url,
          ``,
          ...HOW,
          ``,
          `If you did not ask for this, you can ignore this message: nothing changes without the verification.`,
        ];
  const subject =
    reason === VerificationReason.BLOCKED_ORDER && order
      ? `Your order #${order.id} is on hold: please confirm your identity`
      : SUBJECTS[reason as keyof typeof SUBJECTS];
  const html = lines
    .filter((line) => line !== '')
    .map((line) =>
      line === url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>` : `<p>${escapeHtml(line)}</p>`,
    );
  const qr = `<p><img src="cid:${QR_CID}" alt="QR code of the verification link" width="200" height="200"></p>`;
  return {
    to,
    subject,
    text: lines.join('\n'),
    html: [...html.slice(0, -1), qr, html[html.length - 1]].join('\n'),
    attachments: [
      { filename: 'verification-qr.png', contentType: 'image/png', content: await qrCodePng(url), cid: QR_CID },
    ],
  };
}

/** The decision's mail: approved with what it did (`effect`), or rejected with support's reason and what next. */
export function decisionMail(input: {
  to: string;
  approved: boolean;
  reason: VerificationReason;
  supportReason: string;
  effect: string[];
}): Mail {
  const { to, approved, supportReason, effect } = input;
  return approved
    ? {
        to,
        subject: 'Your identity is confirmed',
        text: ['Hello,', '', 'Our support team confirmed your identity.', '', ...effect].join('\n'),
      }
    : {
        to,
        subject: 'We could not confirm your identity',
        text: [
          'Hello,',
          '',
          'Our support team could not confirm your identity, for this reason:',
          '',
          supportReason,
          '',
          ...effect,
          '',
          'Your phone number and the images you sent have been deleted.',
        ].join('\n'),
      };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
