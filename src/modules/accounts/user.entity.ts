import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn } from '../../db/columns';

export enum StaffRole {
  ADMIN = 'ADMIN',
  SUPPORT = 'SUPPORT',
}

/** A login: one person, member of any number of organizations (R2). */
@Entity('user')
export class UserEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @Index('uq_user_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 120 }) name: string;

  /** scrypt hash "scrypt$N$r$p$salt$hash"; null for an account created by a partner that was not claimed yet. */
  @Column({ type: 'varchar', length: 255, nullable: true }) passwordHash: string | null;

  @EnumColumn(StaffRole, { nullable: true }) staffRole: StaffRole | null;

  /** Set while the account is locked: no log-in, its tokens refused; an approved ACCOUNT_UNLOCK verification clears it (R23). */
  @DateTimeColumn({ nullable: true }) lockedAt: Date | null;

  /** Two-factor authentication is on; an approved DISABLE_TWO_FACTOR verification turns it off (R23). */
  @Column({ type: 'boolean', default: false }) twoFactorEnabled: boolean;

  @CreatedAtColumn() createdAt: Date;
}
