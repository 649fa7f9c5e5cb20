import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';

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

/** Where the person is in the flow (R23's order); REVIEW once submitted, CLOSED once decided or expired. */
export enum VerificationStep {
  PHONE_NUMBER = 'PHONE_NUMBER',
  SMS_CODE = 'SMS_CODE',
  GEOLOCATION_CONSENT = 'GEOLOCATION_CONSENT',
  DOCUMENT_TYPE = 'DOCUMENT_TYPE',
  DOCUMENT_PHOTOS = 'DOCUMENT_PHOTOS',
  SELFIE = 'SELFIE',
  REVIEW = 'REVIEW',
  CLOSED = 'CLOSED',
}

export enum IdentityDocumentType {
  IDENTITY_CARD = 'IDENTITY_CARD',
  PASSPORT = 'PASSPORT',
}

/**
 * An identity verification (kCheck, R23/R24). Personal data (phone, location, images) is kept
 * only until the case closes or `purgeAt` (submission + 72 h) passes; `purgedAt` says it is gone.
 */
@Entity('identity_verification')
@Index('ix_idv_status', ['status', 'id'])
@Index('ix_idv_order', ['orderId', 'id'])
@Index('ix_idv_user', ['userId', 'reason'])
@Index('ix_idv_purge', ['purgedAt', 'expiresAt'])
export class IdentityVerificationEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @EnumColumn(VerificationReason) reason: VerificationReason;
  @EnumColumn(VerificationStatus) status: VerificationStatus;
  @EnumColumn(VerificationStep) step: VerificationStep;
  /** The account concerned; null for a forgotten login email until support names the account. */
  @IdColumn({ nullable: true }) userId: number | null;
  @IdColumn({ nullable: true }) organizationId: number | null;
  @IdColumn({ nullable: true }) orderId: number | null;
  /** Where the link and the decision go: the login address, or the contact address of a forgotten login email. */
  @Column({ type: 'varchar', length: 254 }) email: string;
  /** Bound into the link's token: a link works only for this verification of this database. */
  @Column({ type: 'varchar', length: 32 }) tokenNonce: string;
  @Column({ type: 'varchar', length: 20, nullable: true }) phoneNumber: string | null;
  /** HMAC of the SMS code sent last; the code itself is never stored. */
  @Column({ type: 'varchar', length: 64, nullable: true }) codeHash: string | null;
  @DateTimeColumn({ nullable: true }) codeExpiresAt: Date | null;
  @Column({ type: 'int', default: 0 }) codeAttempts: number;
  @Column({ type: 'int', default: 0 }) smsCount: number;
  @Column({ type: 'simple-json', nullable: true }) geolocation: { latitude: number; longitude: number } | null;
  @DateTimeColumn({ nullable: true }) geolocationConsentAt: Date | null;
  @EnumColumn(IdentityDocumentType, { nullable: true }) documentType: IdentityDocumentType | null;
  /** The link and the steps work until then (a blocked order's: its auto-cancel time). */
  @DateTimeColumn() expiresAt: Date;
  @DateTimeColumn({ nullable: true }) submittedAt: Date | null;
  @DateTimeColumn({ nullable: true }) purgeAt: Date | null;
  @DateTimeColumn({ nullable: true }) decidedAt: Date | null;
  @IdColumn({ nullable: true }) decidedById: number | null;
  /** Support's reason, or why the verification ended by itself. */
  @Column({ type: 'varchar', length: 500, nullable: true }) closedReason: string | null;
  @DateTimeColumn({ nullable: true }) purgedAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}
