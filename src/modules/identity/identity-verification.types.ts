import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import {
  IdentityDocumentType,
  IdentityVerificationEntity,
  VerificationReason,
  VerificationStatus,
  VerificationStep,
} from './identity-verification.entity';
import { VerificationImageEntity, VerificationImageKind } from './verification-image.entity';
import { maskPhoneNumber } from './verification-steps';

registerEnumType(VerificationReason, { name: 'VerificationReason' });
registerEnumType(VerificationStatus, { name: 'VerificationStatus' });
registerEnumType(VerificationStep, {
  name: 'VerificationStep',
  description: 'Where the person is in the flow (R23): the step the link does next; REVIEW once submitted.',
});
registerEnumType(IdentityDocumentType, { name: 'IdentityDocumentType' });
registerEnumType(VerificationImageKind, { name: 'VerificationImageKind' });

@ObjectType('GeoLocation')
export class GeoLocation {
  @Field(() => Float) latitude: number;
  @Field(() => Float) longitude: number;
}

/**
 * An identity verification (kCheck, R23). Everyone who may see it reads its progress; the personal
 * fields (email, phoneNumber, geolocation, images, order, user) are for platform support staff only
 * (field rules in permissions.ts). Image bytes never go through the API.
 */
@ObjectType('IdentityVerification', { implements: Node })
export class IdentityVerificationType extends Node {
  @Field(() => VerificationReason) reason: VerificationReason;
  @Field(() => VerificationStatus) status: VerificationStatus;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Data is purged at this time if still unhandled (submittedAt + 72 h).',
  })
  purgeAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => VerificationStep) nextStep: VerificationStep;
  @Field(() => DateTimeScalar, { description: 'The link and its steps work until then.' }) expiresAt: Date;
  @Field(() => IdentityDocumentType, { nullable: true }) documentType: IdentityDocumentType | null;
  @Field(() => Int, { description: 'Wrong SMS codes still allowed; the last one ends the verification.' })
  codeAttemptsLeft?: number; // resolved against the configured limit (IdentityVerificationResolver)
  @Field(() => String, { nullable: true, description: 'The phone number with all but its last two digits hidden.' })
  phoneNumberHint: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) submittedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true, description: "Support's reason, or why the verification ended by itself." })
  closedReason: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When its personal data was deleted (R24).' })
  purgedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Staff only: where its mails go.' }) email: string | null;
  @Field(() => String, { nullable: true, description: 'Staff only.' }) phoneNumber: string | null;
  @Field(() => GeoLocation, { nullable: true, description: 'Staff only: where the person consented to be located.' })
  geolocation: GeoLocation | null;
  entityId: number;
  userId: number | null;
  orderId: number | null;
  codeAttempts: number;

  static from(v: IdentityVerificationEntity): IdentityVerificationType {
    return Object.assign(new IdentityVerificationType(), {
      id: toGlobalId('IdentityVerification', v.id),
      entityId: v.id,
      userId: v.userId,
      orderId: v.orderId,
      reason: v.reason,
      status: v.status,
      purgeAt: v.purgeAt,
      createdAt: v.createdAt,
      nextStep: v.step,
      expiresAt: v.expiresAt,
      documentType: v.documentType,
      codeAttempts: v.codeAttempts,
      phoneNumberHint: v.phoneNumber ? maskPhoneNumber(v.phoneNumber) : null,
      submittedAt: v.submittedAt,
      decidedAt: v.decidedAt,
      closedReason: v.closedReason,
      purgedAt: v.purgedAt,
      email: v.email,
      phoneNumber: v.phoneNumber,
      geolocation: v.geolocation,
    });
  }
}

/** An uploaded image: what it is and where staff open it; never its bytes. */
@ObjectType('IdentityVerificationImage')
export class IdentityVerificationImageType {
  @Field(() => ID) id: string;
  @Field(() => VerificationImageKind) kind: VerificationImageKind;
  @Field({ description: 'From the magic bytes: image/jpeg, image/png or application/pdf.' }) contentType: string;
  @Field(() => Int) byteSize: number;
  @Field(() => DateTimeScalar) uploadedAt: Date;
  @Field({ description: 'Staff-only route (Bearer auth) that decrypts the image on the fly; every view is audited.' })
  url: string;

  static from(image: VerificationImageEntity, publicUrl: string): IdentityVerificationImageType {
    const id = toGlobalId('IdentityVerificationImage', image.id);
    const verificationId = toGlobalId('IdentityVerification', image.verificationId);
    return Object.assign(new IdentityVerificationImageType(), {
      id,
      kind: image.kind,
      contentType: image.contentType,
      byteSize: image.byteSize,
      uploadedAt: image.uploadedAt,
      url: `${publicUrl}/verifications/${verificationId}/images/${id}`,
    });
  }
}

export const IdentityVerificationConnection = Connection(IdentityVerificationType, 'IdentityVerification');

@InputType('StartAccountRecoveryInput')
export class StartAccountRecoveryInput {
  @Field(() => VerificationReason, { description: 'FORGOTTEN_PASSWORD, FORGOTTEN_LOGIN_EMAIL or ACCOUNT_UNLOCK.' })
  reason: VerificationReason;
  @Field({
    description: 'The login address; for FORGOTTEN_LOGIN_EMAIL the address where the answer should go.',
  })
  email: string;
}

@ObjectType('StartAccountRecoveryPayload')
export class StartAccountRecoveryPayload {
  @Field(() => String, {
    nullable: true,
    description: 'The same answer whether an account exists or not (null with userErrors).',
  })
  message?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('StartIdentityVerificationInput')
export class StartIdentityVerificationInput {
  @Field(() => VerificationReason, { description: 'DISABLE_TWO_FACTOR or TICKETING_FIRST_PAYOUT.' })
  reason: VerificationReason;
  @Field(() => ID, { nullable: true, description: 'The organization, for TICKETING_FIRST_PAYOUT.' })
  organizationId?: string | null;
}

@ObjectType('StartIdentityVerificationPayload')
export class StartIdentityVerificationPayload {
  @Field(() => IdentityVerificationType, { nullable: true }) verification?: IdentityVerificationType | null;
  @Field(() => String, { nullable: true, description: 'The link (also mailed), e.g. to show as a QR code.' })
  verificationUrl?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('SubmitVerificationPhoneInput')
export class SubmitVerificationPhoneInput {
  @Field({ description: "The token of the verification's link." }) token: string;
  @Field({ description: 'Mobile number in international form, e.g. +41 79 123 45 67.' }) phoneNumber: string;
}

@InputType('ConfirmVerificationCodeInput')
export class ConfirmVerificationCodeInput {
  @Field() token: string;
  @Field({ description: 'The 6-digit code received by SMS.' }) code: string;
}

@InputType('SubmitVerificationGeolocationConsentInput')
export class SubmitVerificationGeolocationConsentInput {
  @Field() token: string;
  @Field({ description: 'Mandatory to continue: false stops the flow (GEOLOCATION_CONSENT_REQUIRED).' })
  consent: boolean;
  @Field(() => Float, { nullable: true }) latitude?: number | null;
  @Field(() => Float, { nullable: true }) longitude?: number | null;
}

@InputType('SubmitVerificationDocumentTypeInput')
export class SubmitVerificationDocumentTypeInput {
  @Field() token: string;
  @Field(() => IdentityDocumentType) documentType: IdentityDocumentType;
}

@InputType('ApproveIdentityVerificationInput')
export class ApproveIdentityVerificationInput {
  @Field(() => ID) verificationId: string;
  @Field({ description: 'Why support approves (audited).' }) reason: string;
  @Field(() => ID, { nullable: true, description: 'FORGOTTEN_LOGIN_EMAIL: the account (User id) support identified.' })
  accountId?: string | null;
}

@InputType('RejectIdentityVerificationInput')
export class RejectIdentityVerificationInput {
  @Field(() => ID) verificationId: string;
  @Field({ description: 'Why support rejects: mailed to the person and audited.' }) reason: string;
}

@ObjectType('IdentityVerificationPayload')
export class IdentityVerificationPayload {
  @Field(() => IdentityVerificationType, { nullable: true }) verification?: IdentityVerificationType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
