import {
  IdentityDocumentType as Doc,
  VerificationReason,
  VerificationStatus,
  VerificationStep as Step,
} from './identity-verification.entity';
import { VerificationImageKind as Kind } from './verification-image.entity';
import {
  acceptedImages,
  allowedContentTypes,
  codeAttemptsLeft,
  isValidLocation,
  maskPhoneNumber,
  normalizePhoneNumber,
  purgeDueReason,
  statusOfStep,
  stepAfterUpload,
} from './verification-steps';

describe('statusOfStep', () => {
  it.each([
    [Step.PHONE_NUMBER, VerificationStatus.STARTED],
    [Step.SMS_CODE, VerificationStatus.STARTED],
    [Step.GEOLOCATION_CONSENT, VerificationStatus.PHONE_CONFIRMED],
    [Step.DOCUMENT_TYPE, VerificationStatus.PHONE_CONFIRMED],
    [Step.DOCUMENT_PHOTOS, VerificationStatus.PHONE_CONFIRMED],
    [Step.SELFIE, VerificationStatus.PHONE_CONFIRMED],
    [Step.REVIEW, VerificationStatus.SUBMITTED],
  ])('%s → %s', (step, status) => expect(statusOfStep(step)).toBe(status));

  it('has no status for CLOSED (the decision or the expiry sets it)', () => {
    expect(() => statusOfStep(Step.CLOSED)).toThrow();
  });
});

describe('images', () => {
  it.each([
    [Step.DOCUMENT_PHOTOS, Doc.IDENTITY_CARD, [Kind.DOCUMENT_FRONT, Kind.DOCUMENT_BACK]],
    [Step.DOCUMENT_PHOTOS, Doc.PASSPORT, [Kind.DOCUMENT_FRONT]],
    [Step.SELFIE, Doc.PASSPORT, [Kind.SELFIE]],
    [Step.DOCUMENT_TYPE, null, []],
    [Step.GEOLOCATION_CONSENT, null, []],
    [Step.REVIEW, Doc.PASSPORT, []],
  ])('at %s with %s an upload may be %j', (step, doc, kinds) => expect(acceptedImages(step, doc)).toEqual(kinds));

  it.each([
    [Doc.IDENTITY_CARD, [], Step.DOCUMENT_PHOTOS],
    [Doc.IDENTITY_CARD, [Kind.DOCUMENT_FRONT], Step.DOCUMENT_PHOTOS],
    [Doc.IDENTITY_CARD, [Kind.DOCUMENT_BACK], Step.DOCUMENT_PHOTOS],
    [Doc.IDENTITY_CARD, [Kind.DOCUMENT_BACK, Kind.DOCUMENT_FRONT], Step.SELFIE],
    [Doc.IDENTITY_CARD, [Kind.DOCUMENT_BACK, Kind.DOCUMENT_FRONT, Kind.SELFIE], Step.REVIEW],
    [Doc.PASSPORT, [Kind.DOCUMENT_FRONT], Step.SELFIE],
    [Doc.PASSPORT, [Kind.DOCUMENT_FRONT, Kind.SELFIE], Step.REVIEW],
  ])('%s with %j uploaded → %s', (doc, uploaded, step) => expect(stepAfterUpload(doc, new Set(uploaded))).toBe(step));

  it('a document may be a PDF scan, a selfie only a photo', () => {
    expect(allowedContentTypes(Kind.DOCUMENT_BACK)).toContain('application/pdf');
    expect(allowedContentTypes(Kind.SELFIE)).toEqual(['image/jpeg', 'image/png']);
  });
});

describe('normalizePhoneNumber', () => {
  it.each([
    ['+41 79 123 45 67', '+41791234567'],
    ['0041 (79) 123-45-67', '+41791234567'],
    ['+33.6.12.34.56.78', '+33612345678'],
    ['  +1 415 555 0100 ', '+14155550100'],
    ['079 123 45 67', null],
    ['+0 79 123 45 67', null],
    ['+41 79', null],
    ['+41 79 123 45 67 89 01 23', null],
    ['+41 79 12x 45 67', null],
    ['', null],
  ])('%j → %j', (input, expected) => expect(normalizePhoneNumber(input)).toBe(expected));

  it('masks all but the country part and the last two digits', () => {
    expect(maskPhoneNumber('+41791234567')).toBe('+41 ••••••• 67');
  });
});

describe('codeAttemptsLeft', () => {
  it.each([
    [0, 5, 5],
    [4, 5, 1],
    [5, 5, 0],
    [7, 5, 0],
    [2, 3, 1],
    [0, 10, 10],
  ])('%i wrong of at most %i → %i left', (attempts, max, left) => expect(codeAttemptsLeft(attempts, max)).toBe(left));
});

describe('isValidLocation', () => {
  it.each([
    [46.2044, 6.1432, true],
    [null, null, true],
    [undefined, undefined, true],
    [-90, 180, true],
    [90.0001, 0, false],
    [0, -180.5, false],
    [46.2, null, false],
    [null, 6.1, false],
    [Number.NaN, 0, false],
  ])('(%p, %p) → %p', (lat, lon, valid) => expect(isValidLocation(lat, lon)).toBe(valid));
});

describe('purgeDueReason (R24)', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const before = new Date('2026-03-10T11:59:59Z');
  const after = new Date('2026-03-10T12:00:01Z');
  const v = (overrides: Partial<Parameters<typeof purgeDueReason>[0]>) => ({
    status: VerificationStatus.STARTED,
    reason: VerificationReason.FORGOTTEN_PASSWORD,
    expiresAt: after,
    purgeAt: null,
    purgedAt: null,
    ...overrides,
  });
  it.each([
    ['started, link still valid', v({}), null],
    ['started, link expired', v({ expiresAt: now }), 'Not completed before the link expired.'],
    [
      'phone confirmed, link expired',
      v({ status: VerificationStatus.PHONE_CONFIRMED, expiresAt: before }),
      'Not completed before the link expired.',
    ],
    ['submitted, before purgeAt', v({ status: VerificationStatus.SUBMITTED, purgeAt: after }), null],
    [
      'submitted, at purgeAt',
      v({ status: VerificationStatus.SUBMITTED, purgeAt: now }),
      'Not handled within 72 hours of submission.',
    ],
    [
      'submitted, link expired but purgeAt ahead',
      v({ status: VerificationStatus.SUBMITTED, expiresAt: before, purgeAt: after }),
      null,
    ],
    [
      'submitted for a blocked order past its auto-cancel',
      v({
        status: VerificationStatus.SUBMITTED,
        reason: VerificationReason.BLOCKED_ORDER,
        expiresAt: before,
        purgeAt: after,
      }),
      'The order was not released before its automatic cancellation.',
    ],
    ['approved', v({ status: VerificationStatus.APPROVED, expiresAt: before }), null],
    ['already purged', v({ expiresAt: before, purgedAt: before }), null],
  ])('%s', (_label, verification, reason) => expect(purgeDueReason(verification, now)).toBe(reason));
});
