import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';

/*
 * Placeholder of the contract's IdentityVerification type so that Order.identityVerification
 * exists (always null until the identity-verification module lands; that module should take
 * this file over, enums included).
 */

export enum VerificationReason {
  FORGOTTEN_PASSWORD = 'FORGOTTEN_PASSWORD',
  FORGOTTEN_LOGIN_EMAIL = 'FORGOTTEN_LOGIN_EMAIL',
  DISABLE_TWO_FACTOR = 'DISABLE_TWO_FACTOR',
  ACCOUNT_UNLOCK = 'ACCOUNT_UNLOCK',
  TICKETING_FIRST_PAYOUT = 'TICKETING_FIRST_PAYOUT',
  BLOCKED_ORDER = 'BLOCKED_ORDER',
}

export enum VerificationStatus {
  STARTED = 'STARTED',
  PHONE_CONFIRMED = 'PHONE_CONFIRMED',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(VerificationReason, { name: 'VerificationReason' });
registerEnumType(VerificationStatus, { name: 'VerificationStatus' });

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
}
