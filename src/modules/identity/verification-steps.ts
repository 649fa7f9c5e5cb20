/**
 * The order of the steps (R23) as pure functions: which status a step shows, which images a
 * document needs, where an upload leads, and the checks of a phone number and a location.
 */
import {
  IdentityDocumentType,
  IdentityVerificationEntity,
  VerificationReason,
  VerificationStatus,
  VerificationStep,
} from './identity-verification.entity';
import { VerificationImageKind } from './verification-image.entity';

/** Statuses in which the flow is still going (the link may act or wait for review). */
export const OPEN_STATUSES = [
  VerificationStatus.STARTED,
  VerificationStatus.PHONE_CONFIRMED,
  VerificationStatus.SUBMITTED,
];

/** What the contract's status says at each step: STARTED until the phone is confirmed, SUBMITTED once sent for review. */
export function statusOfStep(step: VerificationStep): VerificationStatus {
  switch (step) {
    case VerificationStep.PHONE_NUMBER:
    case VerificationStep.SMS_CODE:
      return VerificationStatus.STARTED;
    case VerificationStep.REVIEW:
      return VerificationStatus.SUBMITTED;
    case VerificationStep.CLOSED:
      throw new Error('A closed verification has a final status of its own');
    default:
      return VerificationStatus.PHONE_CONFIRMED;
  }
}

/** Photos of the document: both sides of an identity card, the photo page of a passport. */
export function documentImages(type: IdentityDocumentType): VerificationImageKind[] {
  return type === IdentityDocumentType.IDENTITY_CARD
    ? [VerificationImageKind.DOCUMENT_FRONT, VerificationImageKind.DOCUMENT_BACK]
    : [VerificationImageKind.DOCUMENT_FRONT];
}

/** The image kinds an upload may have at `step`; empty when the step takes no image. */
export function acceptedImages(step: VerificationStep, type: IdentityDocumentType | null): VerificationImageKind[] {
  if (step === VerificationStep.DOCUMENT_PHOTOS && type) return documentImages(type);
  if (step === VerificationStep.SELFIE) return [VerificationImageKind.SELFIE];
  return [];
}

/** The step after an upload, given every kind uploaded so far: the selfie once the document is complete, then review. */
export function stepAfterUpload(
  type: IdentityDocumentType,
  uploaded: ReadonlySet<VerificationImageKind>,
): VerificationStep {
  if (!documentImages(type).every((kind) => uploaded.has(kind))) return VerificationStep.DOCUMENT_PHOTOS;
  return uploaded.has(VerificationImageKind.SELFIE) ? VerificationStep.REVIEW : VerificationStep.SELFIE;
}

/** Content types an image of `kind` may have: a document may be a scan (PDF), a selfie is a photo. */
export function allowedContentTypes(kind: VerificationImageKind): string[] {
  return kind === VerificationImageKind.SELFIE
    ? ['image/jpeg', 'image/png']
    : ['image/jpeg', 'image/png', 'application/pdf'];
}

/**
 * A mobile number in international (E.164) form, `+` and 8 to 15 digits, from what a person
 * types: spaces, dots, dashes and parentheses are ignored, a leading 00 means +. Null otherwise.
 */
export function normalizePhoneNumber(input: string): string | null {
  const compact = (input ?? '').trim().replace(/[\s.\-()/]/g, '');
  const e164 = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : null;
}

/** The number as shown to whoever holds the link: country part and the last two digits, e.g. "+41 ••••••• 67". */
export function maskPhoneNumber(e164: string): string {
  const prefix = e164.slice(0, 3);
  const hidden = e164.length - 5;
  return `${prefix} ${'•'.repeat(Math.max(hidden, 0))} ${e164.slice(-2)}`;
}

/** Wrong SMS codes still allowed after `attempts` wrong ones under a limit of `max`; never below 0. */
export function codeAttemptsLeft(attempts: number, max: number): number {
  return Math.max(max - attempts, 0);
}

/** Latitude −90..90 and longitude −180..180, both given or both absent. */
export function isValidLocation(latitude: number | null | undefined, longitude: number | null | undefined): boolean {
  if (latitude == null || longitude == null) return latitude == null && longitude == null;
  return Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

/**
 * Why the R24 sweep closes a verification now, or null: submitted and unhandled past purgeAt; not
 * submitted by its link's expiry; a blocked order's also once the order's auto-cancel passed.
 */
export function purgeDueReason(
  v: Pick<IdentityVerificationEntity, 'status' | 'reason' | 'expiresAt' | 'purgeAt' | 'purgedAt'>,
  now: Date,
): string | null {
  if (v.purgedAt || !OPEN_STATUSES.includes(v.status)) return null;
  if (v.status === VerificationStatus.SUBMITTED) {
    if (v.purgeAt && v.purgeAt <= now) return 'Not handled within 72 hours of submission.';
    if (v.reason === VerificationReason.BLOCKED_ORDER && v.expiresAt <= now)
      return 'The order was not released before its automatic cancellation.';
    return null;
  }
  return v.expiresAt <= now ? 'Not completed before the link expired.' : null;
}

/** Who may start a verification for `reason`: a signed-out person, a signed-in user, or only the platform. */
export function starterOf(reason: VerificationReason): 'SIGNED_OUT' | 'SIGNED_IN' | 'SYSTEM' {
  switch (reason) {
    case VerificationReason.FORGOTTEN_PASSWORD:
    case VerificationReason.FORGOTTEN_LOGIN_EMAIL:
    case VerificationReason.ACCOUNT_UNLOCK:
      return 'SIGNED_OUT';
    case VerificationReason.DISABLE_TWO_FACTOR:
    case VerificationReason.TICKETING_FIRST_PAYOUT:
      return 'SIGNED_IN';
    default:
      return 'SYSTEM';
  }
}
