import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config';
import { deriveKey } from '../../common/signed-token';
import type { SmsSender } from '../../common/sms';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError } from '../../graphql/errors';
import { IdentityConfig } from './identity.config';
import { IdentityErrorCode as Code } from './identity.errors';
import {
  IdentityDocumentType,
  IdentityVerificationEntity as Verification,
  VerificationStatus,
  VerificationStep as Step,
} from './identity-verification.entity';
import { EncryptedFileStore, sniffContentType } from './image-files';
import { VerificationAuditLog } from './verification-audit';
import { VerificationImageEntity, VerificationImageKind } from './verification-image.entity';
import { VerificationLinks } from './verification-links';
import { closeAndPurge } from './verification-purge';
import {
  acceptedImages,
  allowedContentTypes,
  codeAttemptsLeft,
  isValidLocation,
  normalizePhoneNumber,
  statusOfStep,
  stepAfterUpload,
} from './verification-steps';

const VIA = 'verification_link';
const TOKEN_FIELD = ['input', 'token'];

/**
 * The public steps of a verification (R23), each authenticated by the link's token alone and in
 * this order: phone number → SMS code → geolocation consent → document type → document photos →
 * selfie, which submits it for review. A step out of order, a replayed or expired link, a wrong
 * code get a clear error and change nothing (a wrong code counts; the last allowed one ends it).
 */
export class VerificationStepService {
  private readonly codeKey: Buffer;

  constructor(
    config: Pick<Config, 'secretKey'>,
    private readonly links: VerificationLinks,
    private readonly sms: SmsSender,
    private readonly files: EncryptedFileStore,
    private readonly log: VerificationAuditLog,
    private readonly rules: IdentityConfig,
  ) {
    this.codeKey = deriveKey(config.secretKey, 'identity-verification-sms-code');
  }

  /** Largest image an upload may have, in bytes. */
  get maxImageBytes(): number {
    return this.rules.maxImageBytes;
  }

  /** Wrong SMS codes `v` still allows under the configured limit (maxCodeAttempts); the last one ends it. */
  codeAttemptsLeft(v: Pick<Verification, 'codeAttempts'>): number {
    return codeAttemptsLeft(v.codeAttempts, this.rules.maxCodeAttempts);
  }

  /** The verification a link's token names, whatever its status, while the link has not expired. */
  async findByToken(ctx: RequestContext, token: string): Promise<Verification> {
    return this.byToken(ctx, token, false);
  }

  /** Sends a 6-digit code by SMS to the number; allowed again while the code is awaited (another number, a new code). */
  async submitPhone(ctx: RequestContext, token: string, phoneNumber: string): Promise<Verification> {
    const phone = normalizePhoneNumber(phoneNumber);
    if (!phone)
      throw new BusinessError(
        Code.INVALID_PHONE_NUMBER,
        'Give a mobile number in international form, e.g. +41 79 123 45 67.',
        ['input', 'phoneNumber'],
      );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const verification = await ctx.transaction(async (ctx) => {
      const v = await this.atStep(ctx, token, [Step.PHONE_NUMBER, Step.SMS_CODE]);
      if (v.smsCount >= this.rules.maxSmsPerVerification)
        throw new BusinessError(Code.TOO_MANY_SMS, 'No more codes can be sent for this verification.', [
          'input',
          'phoneNumber',
        ]);
      return this.save(ctx, v, {
        phoneNumber: phone,
        codeHash: this.codeHash(v.id, code),
        codeExpiresAt: new Date(ctx.now().getTime() + this.rules.codeValidMinutes * 60_000),
        smsCount: v.smsCount + 1,
        step: Step.SMS_CODE,
      });
    });
    await this.sms.send({
      to: phone,
      text: `Your identity verification code is ${code}. It expires in ${this.rules.codeValidMinutes} minutes. Never give it to anyone.`,
    });
    return verification;
  }

  /** Confirms the phone with the code it received. WRONG_CODE with the tries left; the last wrong one ends the verification. */
  async confirmCode(ctx: RequestContext, token: string, code: string): Promise<Verification> {
    type Outcome = { confirmed: Verification } | { left: number } | { closed: Verification };
    const outcome = await ctx.transaction(async (ctx): Promise<Outcome> => {
      const v = await this.atStep(ctx, token, [Step.SMS_CODE]);
      if (!v.codeExpiresAt || v.codeExpiresAt <= ctx.now())
        throw new BusinessError(Code.CODE_EXPIRED, 'This code has expired: ask for a new one.', ['input', 'code']);
      const given = Buffer.from(this.codeHash(v.id, (code ?? '').trim()));
      if (v.codeHash && timingSafeEqual(given, Buffer.from(v.codeHash)))
        return {
          confirmed: await this.save(ctx, v, { codeHash: null, codeExpiresAt: null, step: Step.GEOLOCATION_CONSENT }),
        };
      const attempts = v.codeAttempts + 1;
      if (attempts < this.rules.maxCodeAttempts) {
        await ctx.em.update(Verification, { id: v.id }, { codeAttempts: attempts });
        return { left: codeAttemptsLeft(attempts, this.rules.maxCodeAttempts) };
      }
      await ctx.em.update(Verification, { id: v.id }, { codeAttempts: attempts });
      await closeAndPurge(ctx, v, VerificationStatus.EXPIRED, 'Too many wrong codes.');
      await this.log.record(ctx, v, 'identity_verification.closed', 'too many wrong codes', VIA);
      return { closed: v };
    });
    if ('confirmed' in outcome) return outcome.confirmed;
    if ('closed' in outcome) {
      await this.files.removeAll(outcome.closed.id);
      throw new BusinessError(
        Code.TOO_MANY_ATTEMPTS,
        'Too many wrong codes: this verification has ended. Start a new one.',
        ['input', 'code'],
      );
    }
    throw new BusinessError(
      Code.WRONG_CODE,
      `This code is wrong: ${outcome.left} ${outcome.left === 1 ? 'try' : 'tries'} left.`,
      ['input', 'code'],
    );
  }

  /** Consent to geolocation is mandatory to continue: a refusal stops here (GEOLOCATION_CONSENT_REQUIRED) and changes nothing. */
  async answerGeolocation(
    ctx: RequestContext,
    token: string,
    answer: { consent: boolean; latitude?: number | null; longitude?: number | null },
  ): Promise<Verification> {
    if (!isValidLocation(answer.latitude, answer.longitude))
      throw new BusinessError(
        Code.INVALID_GEOLOCATION,
        'Give both latitude (−90..90) and longitude (−180..180), or neither.',
        ['input'],
      );
    return ctx.transaction(async (ctx) => {
      const v = await this.atStep(ctx, token, [Step.GEOLOCATION_CONSENT]);
      if (!answer.consent)
        throw new BusinessError(
          Code.GEOLOCATION_CONSENT_REQUIRED,
          'The verification cannot continue without consent to geolocation.',
          ['input', 'consent'],
        );
      const { latitude, longitude } = answer;
      return this.save(ctx, v, {
        geolocationConsentAt: ctx.now(),
        geolocation: latitude != null && longitude != null ? { latitude, longitude } : null,
        step: Step.DOCUMENT_TYPE,
      });
    });
  }

  async chooseDocumentType(ctx: RequestContext, token: string, type: IdentityDocumentType): Promise<Verification> {
    return ctx.transaction(async (ctx) => {
      const v = await this.atStep(ctx, token, [Step.DOCUMENT_TYPE]);
      return this.save(ctx, v, { documentType: type, step: Step.DOCUMENT_PHOTOS });
    });
  }

  /**
   * Stores one image (POST /verifications/:id/images): JPEG, PNG or PDF by its magic bytes, at most
   * maxImageBytes, sealed on disk. A kind uploaded again replaces the earlier file. The selfie
   * submits the verification: purgeAt = now + 72 h (R24).
   */
  async uploadImage(
    ctx: RequestContext,
    verificationId: number,
    token: string,
    kind: string,
    bytes: Buffer,
  ): Promise<{ verification: Verification; image: VerificationImageEntity }> {
    if (!Object.values(VerificationImageKind).includes(kind as VerificationImageKind))
      throw new BusinessError(
        Code.INVALID_IMAGE_KIND,
        `kind must be one of ${Object.values(VerificationImageKind).join(', ')}.`,
        ['kind'],
      );
    const imageKind = kind as VerificationImageKind;
    if (bytes.length > this.rules.maxImageBytes) throw imageTooLarge(this.rules.maxImageBytes);
    const contentType = sniffContentType(bytes);
    if (!contentType || !allowedContentTypes(imageKind).includes(contentType))
      throw new BusinessError(
        Code.INVALID_IMAGE_TYPE,
        `A ${imageKind} must be ${allowedContentTypes(imageKind).join(', ')} (checked by content, not by name).`,
        ['body'],
      );
    const check = async (ctx: RequestContext) => {
      const v = await this.atStep(ctx, token, [Step.DOCUMENT_PHOTOS, Step.SELFIE], verificationId);
      if (!acceptedImages(v.step, v.documentType).includes(imageKind)) throw outOfOrder(v.step, ['kind']);
      return v;
    };
    await ctx.transaction(check);
    const fileName = await this.files.write(verificationId, bytes);
    try {
      const { replaced, ...result } = await ctx.transaction(async (ctx) => {
        const v = await check(ctx);
        return this.recordImage(ctx, v, { kind: imageKind, contentType, byteSize: bytes.length, fileName });
      });
      if (replaced) await this.files.remove(verificationId, replaced);
      return result;
    } catch (error) {
      await this.files.remove(verificationId, fileName);
      throw error;
    }
  }

  /** The image's row (replacing one of the same kind) and the next step; the selfie submits the verification. */
  private async recordImage(
    ctx: RequestContext,
    v: Verification,
    file: Pick<VerificationImageEntity, 'kind' | 'contentType' | 'byteSize' | 'fileName'>,
  ) {
    const previous = await ctx.em.findOneBy(VerificationImageEntity, { verificationId: v.id, kind: file.kind });
    if (previous) await ctx.em.delete(VerificationImageEntity, { id: previous.id });
    const now = ctx.now();
    const image = await ctx.em.save(
      ctx.em.create(VerificationImageEntity, { ...file, verificationId: v.id, uploadedAt: now }),
    );
    const kinds = await ctx.em.find(VerificationImageEntity, {
      select: { kind: true },
      where: { verificationId: v.id },
    });
    const step = stepAfterUpload(v.documentType!, new Set(kinds.map((i) => i.kind)));
    const submitted =
      step === Step.REVIEW
        ? { submittedAt: now, purgeAt: new Date(now.getTime() + this.rules.purgeAfterHours * 3_600_000) }
        : {};
    const verification = await this.save(ctx, v, { step, ...submitted });
    if (step === Step.REVIEW) await this.log.record(ctx, v, 'identity_verification.submitted', v.reason, VIA);
    return { verification, image, replaced: previous?.fileName ?? null };
  }

  /** The verification of a valid, unexpired link, locked, at one of `steps`; the clear error otherwise. */
  private async atStep(
    ctx: RequestContext,
    token: string,
    steps: Step[],
    verificationId?: number,
  ): Promise<Verification> {
    const v = await this.byToken(ctx, token, true, verificationId);
    if (v.status === VerificationStatus.EXPIRED)
      throw new BusinessError(
        Code.VERIFICATION_CLOSED,
        `This verification has ended: ${v.closedReason ?? 'expired'}`,
        TOKEN_FIELD,
      );
    if (v.step === Step.REVIEW || v.step === Step.CLOSED)
      throw new BusinessError(
        Code.TOKEN_ALREADY_USED,
        'This link was already used to submit the verification; it cannot change it any more.',
        TOKEN_FIELD,
      );
    if (!steps.includes(v.step)) throw outOfOrder(v.step, TOKEN_FIELD);
    return v;
  }

  private async byToken(
    ctx: RequestContext,
    token: string,
    lock: boolean,
    verificationId?: number,
  ): Promise<Verification> {
    const claims = this.links.read(token);
    if (!claims || (verificationId !== undefined && claims.verificationId !== verificationId)) throw invalidToken();
    const v = await ctx.em.findOne(Verification, {
      where: { id: claims.verificationId },
      lock: lock ? writeLock(ctx.em) : undefined,
    });
    if (!v || v.tokenNonce !== claims.nonce) throw invalidToken();
    const now = ctx.now().getTime();
    if (claims.expires * 1000 <= now || v.expiresAt.getTime() <= now)
      throw new BusinessError(Code.TOKEN_EXPIRED, 'This verification link has expired.', TOKEN_FIELD);
    return v;
  }

  private async save(ctx: RequestContext, v: Verification, changes: Partial<Verification>): Promise<Verification> {
    const status = statusOfStep(changes.step ?? v.step);
    await ctx.em.update(Verification, { id: v.id }, { ...changes, status });
    return Object.assign(v, changes, { status });
  }

  private codeHash(verificationId: number, code: string): string {
    return createHmac('sha256', this.codeKey).update(`${verificationId}:${code}`).digest('hex');
  }
}

const invalidToken = () => new BusinessError(Code.INVALID_TOKEN, 'This verification link is not valid.', TOKEN_FIELD);

const STEP_NAMES: Record<Step, string> = {
  PHONE_NUMBER: 'the phone number',
  SMS_CODE: 'the SMS code',
  GEOLOCATION_CONSENT: 'the geolocation consent',
  DOCUMENT_TYPE: 'the document type',
  DOCUMENT_PHOTOS: 'the document photos',
  SELFIE: 'the selfie holding the document',
  REVIEW: 'the review',
  CLOSED: 'none',
};

const outOfOrder = (step: Step, field: string[]) =>
  new BusinessError(Code.STEP_OUT_OF_ORDER, `Steps go in order: the next one is ${STEP_NAMES[step]} (${step}).`, field);

export const imageTooLarge = (max: number) =>
  new BusinessError(Code.IMAGE_TOO_LARGE, `An image may be at most ${Math.floor(max / 1024 / 1024)} MiB.`, ['body']);
