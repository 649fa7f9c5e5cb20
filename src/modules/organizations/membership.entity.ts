import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, EnumColumn, IdColumn } from '../../db/columns';
import { UserEntity } from '../accounts/user.entity';
import { OrganizationEntity } from './organization.entity';

export enum MemberRole {
  LEGAL_REPRESENTATIVE = 'LEGAL_REPRESENTATIVE',
  ADMINISTRATOR = 'ADMINISTRATOR',
  USER = 'USER',
}

/** A user's place in an organization (R3): role, billing flag, products (role USER) and contact preferences. */
@Entity('membership')
@Index('uq_membership_org_user', ['organizationId', 'userId'], { unique: true })
@Index('ix_membership_user', ['userId'])
export class MembershipEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @IdColumn() userId: number;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @EnumColumn(MemberRole) role: MemberRole;
  @Column({ type: 'boolean' }) billingAccess: boolean;
  /** For role USER: the product ids it may reach. */
  @Column({ type: 'simple-json' }) productIds: number[];
  @Column({ type: 'boolean' }) notifyBilling: boolean;
  @Column({ type: 'boolean' }) notifyTechnical: boolean;
  @Column({ type: 'boolean' }) notifyAdministrative: boolean;
  @CreatedAtColumn() createdAt: Date;
}
