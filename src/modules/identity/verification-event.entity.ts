import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn } from '../../db/columns';

/**
 * The audit trail of one verification (started, submitted, image viewed, approved, rejected,
 * purged). Kept for every verification, also those that concern no organization; decisions and
 * image views of an organization's verification are written to its audit log as well.
 */
@Entity('identity_verification_event')
@Index('ix_idv_event', ['verificationId', 'id'])
export class VerificationEventEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() verificationId: number;
  @IdColumn({ nullable: true }) actorId: number | null;
  /** e.g. identity_verification.approved, identity_verification.image_viewed. */
  @Column({ type: 'varchar', length: 64 }) action: string;
  @Column({ type: 'varchar', length: 255 }) detail: string;
  /** How the actor came in: "login", "api_token:<name>", "verification_link", "system". */
  @Column({ type: 'varchar', length: 120, nullable: true }) via: string | null;
  @CreatedAtColumn() createdAt: Date;
}
