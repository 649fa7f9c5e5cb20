import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { MemberRole } from './membership.entity';
import { OrganizationEntity } from './organization.entity';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  /** The invitee said no (issue 9: nobody becomes a member without consent). */
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
}

/**
 * An invitation by email (R5, R7). The token travels only in the mail; a hash is stored.
 * With `teamId` set it invites someone into one team only (an external team member, no membership).
 */
@Entity('invitation')
@Index('ix_invitation_org', ['organizationId', 'status'])
export class InvitationEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @IdColumn({ nullable: true }) teamId: number | null;
  @Column({ type: 'varchar', length: 254 }) email: string;
  @EnumColumn(MemberRole) role: MemberRole;
  @Column({ type: 'boolean' }) billingAccess: boolean;
  @Column({ type: 'simple-json' }) productIds: number[];
  @Column({ type: 'simple-json' }) contactPreferences: {
    billing: boolean;
    technical: boolean;
    administrative: boolean;
  };

  @Index('uq_invitation_token', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @EnumColumn(InvitationStatus) status: InvitationStatus;
  @IdColumn({ nullable: true }) invitedById: number | null;
  @DateTimeColumn() expiresAt: Date;
  @DateTimeColumn({ nullable: true }) acceptedAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}
