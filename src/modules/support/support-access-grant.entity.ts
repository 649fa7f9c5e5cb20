import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

export enum SupportAccessScope {
  MAIL_ADDRESS = 'MAIL_ADDRESS',
  KDRIVE_FOLDER = 'KDRIVE_FOLDER',
  KCHAT_DISCUSSION = 'KCHAT_DISCUSSION',
  MAIL_MESSAGE = 'MAIL_MESSAGE',
}

/** Temporary access for platform support to one piece of an organization's content (R25). */
@Entity('support_access_grant')
@Index('ix_support_grant_org', ['organizationId', 'scope'])
@Index('ix_support_grant_open', ['closedAt', 'expiresAt'])
export class SupportAccessGrantEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @EnumColumn(SupportAccessScope) scope: SupportAccessScope;
  /** The one mail address, kDrive folder, kChat discussion or message id the grant covers. */
  @Column({ type: 'varchar', length: 255 }) resource: string;
  @IdColumn() grantedById: number;
  @DateTimeColumn() grantedAt: Date;
  /** grantedAt + the configured grant days (7). */
  @DateTimeColumn() expiresAt: Date;
  @DateTimeColumn({ nullable: true }) revokedAt: Date | null;
  /** Set once the grant no longer gives access: at revocation, or by the expiry sweep (then = expiresAt). */
  @DateTimeColumn({ nullable: true }) closedAt: Date | null;
}

/** Open for support reads: not revoked and before its expiry. */
export function isGrantActive(grant: SupportAccessGrantEntity, now: Date): boolean {
  return grant.revokedAt === null && now.getTime() < grant.expiresAt.getTime();
}
