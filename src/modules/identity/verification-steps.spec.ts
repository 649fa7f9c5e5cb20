import {
  IdentityDocumentType as Doc,
  VerificationStatus,
  VerificationStep as Step,
} from './identity-verification.entity';
import { VerificationImageKind as Kind } from './verification-image.entity';
import {
  acceptedImages,
  allowedContentTypes,
  isValidLocation,
  maskPhoneNumber,
  normalizePhoneNumber,
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
